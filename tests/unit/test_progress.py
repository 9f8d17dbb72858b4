"""The progress helper: silent unless a caller enters one; plain lines off a terminal; quiet."""

from __future__ import annotations

import io

from humsec.core.progress import SILENT, Lines, Progress, RichBars, current, progress_for
from humsec.warn.models import QuantileGBM
from tests.warn.conftest import simulated_panel


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_show_start_parts_and_end_with_the_time():
    out = io.StringIO()
    with Lines(out, every=0.0), current().task("fits", total=3) as task:
        for name in ("a", "b", "c"):
            task.advance(name)
    lines = out.getvalue().splitlines()
    assert lines[:4] == ["fits: 0/3", "fits: 1/3 a", "fits: 2/3 b", "fits: 3/3 c"]
    assert lines[4].startswith("fits: done in ") and lines[4].endswith(" s")


def test_lines_are_throttled_but_start_and_end_always_show():
    out = io.StringIO()
    with Lines(out, every=3600.0) as progress, progress.task("many", total=100) as task:
        for _ in range(100):
            task.advance()
    lines = out.getvalue().splitlines()
    assert lines[0] == "many: 0/100" and lines[-1].startswith("many: done in ") and len(lines) == 2


def test_the_library_is_silent_unless_a_progress_is_entered(capsys):
    gbm = QuantileGBM(n_estimators=3, max_rows=2000, min_child_samples=20)
    gbm.fit(simulated_panel())
    assert current() is SILENT
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    out = io.StringIO()
    with Lines(out, every=0.0):
        gbm.fit(simulated_panel())
    assert current() is SILENT  # restored on exit
    text = out.getvalue()
    assert "lgbm_quantile: 10 quantile models on" in text and "10/10 level 0.95" in text
    assert "done in" in text


def test_progress_for_picks_quiet_lines_or_bars():
    quiet = progress_for(quiet=True)
    assert type(quiet) is Progress
    assert isinstance(progress_for(stream=io.StringIO()), Lines)
    assert isinstance(progress_for(stream=_Terminal()), Lines)  # an explicit stream is never a live display
    # on a real terminal: runs and stops cleanly, inner bars removed
    with RichBars() as bars, bars.task("outer", total=2) as outer:
        with current().task("inner", total=1) as inner:
            inner.advance()
        outer.advance("x")
        outer.advance("y")
    assert current() is SILENT
