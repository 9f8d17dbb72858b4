"""The ``humsec`` command line: each domain's commands, mounted in one place.

Every domain keeps its commands beside its engine (``humsec/af/cli.py``, ``humsec/warn/cli.py``,
...), built on the shared options and error handling of :mod:`humsec.core.cli`; this module only
mounts them, in the order ``humsec --help`` lists them, and holds ``demo`` and ``version``.
Errors are printed as one clear message (file, column, rows, what was expected) with exit code 2,
and nothing is written.
"""

from __future__ import annotations

import atexit
import gc
from pathlib import Path

import typer

from humsec.af.cli import register as register_af
from humsec.cli.lazy_group import LazyGroup, LazyTyperGroup
from humsec.cli.serve import serve as _serve
from humsec.core.cli import stdout
from humsec.index.cli import register as register_index
from humsec.review.cli import review as _review


def _skip_final_collection() -> None:
    """At exit, freeze the heap: Python's final collections then skip it.

    With pandas, numba and scipy loaded, tearing the heap down (numba's compiled-code objects
    above all) took 0.8-3 s after `humsec af` had written everything (docs/af_speed.md). Every
    output is closed by then; what is skipped is only the freeing of memory the OS reclaims.
    """
    gc.disable()
    gc.freeze()


atexit.register(_skip_final_collection)


def _response_app() -> typer.Typer:
    from humsec.response.cli import response_app

    return response_app


def _voice_app() -> typer.Typer:
    from humsec.voice.cli import voice_app

    return voice_app


def _sae_app() -> typer.Typer:
    from humsec.sae.cli import sae_app

    return sae_app


def _warn_app() -> typer.Typer:
    """`humsec warn`: conflict early warning (humsec.warn.cli) and, in the same group, hazard early
    warning (`warn ipc|triggers|outbreaks`, humsec.hazard.cli)."""
    from humsec.hazard.cli import register as register_hazard
    from humsec.warn.cli import warn_app

    if not any(c.name == "ipc" for c in warn_app.registered_commands):
        register_hazard(warn_app, conflict_reader=_conflict_panel)
    return warn_app


def _conflict_panel(path: Path) -> tuple[object, list[str]]:
    """humsec warn's reader of conflict events or panels, for ``humsec warn ipc --conflict``."""
    from humsec.warn.data import load_panel

    return load_panel(path)


class _Humsec(LazyTyperGroup):
    # the groups after the commands, in this order; each help line is its Typer app's own
    # (tests/cli/test_lazy_groups.py)
    lazy = (
        LazyGroup("response", "Who does what where: coverage of needs, gaps, duplication.", _response_app),
        LazyGroup("voice", "People's own voice: Kobo/ODK surveys tabulated with the survey design.", _voice_app),
        LazyGroup(
            "sae",
            "Small-area estimation: Fay-Herriot EBLUP with MSE, unit-level BHF EBLUP and EBP of poverty "
            "indicators, direct estimates per area.",
            _sae_app,
        ),
        LazyGroup(
            "warn", "Early warning: forecast fatalities by area and month, with honest scores and alerts.", _warn_app
        ),
    )


app = typer.Typer(
    name="humsec",
    cls=_Humsec,
    help="Human security analytics: measure, compare and report who is insecure, where, and how.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


register_af(app)
register_index(app)
app.command()(_review)
app.command(name="serve")(_serve)


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the demo's outputs."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Run the Alkire-Foster analysis on the bundled syn_cdta survey and write CSV, Excel and HTML."""
    import humsec
    from humsec.core.progress import progress_for

    with progress_for(quiet) as progress:
        progress.say("Alkire-Foster estimates with standard errors (syn_cdta, by area and region)")
        spec = humsec.datasets.syn_cdta_spec()
        result = humsec.AlkireFoster(spec).fit(
            humsec.datasets.load_syn_cdta(), over=["area", "region"], source="syn_cdta (bundled)"
        )
        out.mkdir(parents=True, exist_ok=True)
        with progress.task("writing CSV, Excel and HTML", total=3) as step:
            paths = []
            for write, name in [
                (result.to_csv, "af_results.csv"),
                (result.to_excel, "af_results.xlsx"),
                (result.to_html, "af_summary.html"),
            ]:
                paths.append(write(out / name))
                step.advance(name)
    stdout.print(result.summary(), highlight=False, markup=False)
    for p in paths:
        stdout.print(f"wrote {p}", highlight=False, markup=False)


@app.command()
def version() -> None:
    """Print humsec's version."""
    from humsec._version import __version__

    stdout.print(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
