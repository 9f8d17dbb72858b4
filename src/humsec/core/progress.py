"""Progress of long steps: silent in the library, shown only where a command asks for it.

Engines (backtests, tuning, model fits, the review) report what they are doing to
:func:`current`, which is :data:`SILENT` unless a caller has entered a :class:`Progress`: a library
user sees nothing, and a CLI command shows progress by wrapping its work in ``with
progress_for(quiet) as progress:`` (rich bars on a terminal, plain lines on stderr otherwise,
nothing with ``--quiet``). A context variable rather than a parameter threaded through every layer,
so that code between the command and the engine (the review's section builders) need not know.

>>> import io
>>> out = io.StringIO()
>>> with Lines(out, every=0.0) as progress:
...     with current().task("fits", total=2) as task:
...         task.advance("first")
...         task.advance("second")
>>> print(out.getvalue().replace(_elapsed_text(out.getvalue()), "T"), end="")
fits: 0/2
fits: 1/2 first
fits: 2/2 second
fits: done in T
>>> with current().task("nobody listens", total=1) as task:  # outside: silent
...     task.advance()
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import IO, Any

__all__ = ["SILENT", "Lines", "Progress", "RichBars", "Task", "current", "progress_for"]


class Task:
    """One step with an optional number of parts; :meth:`advance` after each part."""

    def __init__(self, owner: Progress, label: str, total: int | None) -> None:
        self.owner, self.label, self.total = owner, label, total
        self.done = 0
        self.started = time.perf_counter()
        self.handle: Any = None

    def advance(self, note: str = "", parts: int = 1) -> None:
        self.done += parts
        self.owner._advanced(self, note)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


class Progress:
    """Silent progress (the default); subclasses show it. Enter it to make it :func:`current`."""

    def __init__(self) -> None:
        self._token: Token[Progress] | None = None

    def __enter__(self) -> Progress:
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None

    @contextmanager
    def task(self, label: str, total: int | None = None) -> Iterator[Task]:
        """A step: shown when it starts, as its parts advance, and when it ends (with its time)."""
        task = Task(self, label, total)
        self._started(task)
        try:
            yield task
        finally:
            self._finished(task)

    def say(self, message: str) -> None:
        """One line about what is happening now (a step without parts)."""

    # what subclasses show
    def _started(self, task: Task) -> None: ...

    def _advanced(self, task: Task, note: str) -> None: ...

    def _finished(self, task: Task) -> None: ...


SILENT = Progress()
_CURRENT: ContextVar[Progress] = ContextVar("humsec_progress", default=SILENT)


def current() -> Progress:
    """The progress the caller asked for (:data:`SILENT` unless a :class:`Progress` is entered)."""
    return _CURRENT.get()


def _elapsed(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {int(seconds % 60)} s"


def _elapsed_text(text: str) -> str:
    """The elapsed time printed in ``text`` (for the doctest, whose times vary)."""
    found = re.search(r"done in (.*)", text)
    return found.group(1) if found else ""


class Lines(Progress):
    """Plain lines (for logs and pipes): a step's start, its parts at most every ``every`` seconds,
    and its end with the time it took."""

    def __init__(self, stream: IO[str] | None = None, every: float = 5.0) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self._last: dict[int, float] = {}
        self._born = time.perf_counter()

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def _count(self, task: Task) -> str:
        return f"{task.done}/{task.total}" if task.total is not None else f"{task.done}"

    def say(self, message: str) -> None:
        self._write(f"[{_elapsed(time.perf_counter() - self._born)}] {message}")

    def _started(self, task: Task) -> None:
        self._write(f"{task.label}: {self._count(task)}" if task.total else f"{task.label} ...")
        self._last[id(task)] = time.perf_counter()

    def _advanced(self, task: Task, note: str) -> None:
        now = time.perf_counter()
        if now - self._last.get(id(task), 0.0) >= self.every:
            self._write(f"{task.label}: {self._count(task)}" + (f" {note}" if note else ""))
            self._last[id(task)] = now

    def _finished(self, task: Task) -> None:
        self._last.pop(id(task), None)
        self._write(f"{task.label}: done in {_elapsed(task.seconds)}")


class RichBars(Progress):
    """Rich progress bars on a terminal (stderr); a finished inner step's bar is removed."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bars

        self.bars = Bars(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._open = 0

    def __enter__(self) -> Progress:
        self.bars.start()
        return super().__enter__()

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self.bars.stop()

    def say(self, message: str) -> None:
        self.bars.console.print(message, highlight=False, markup=False)

    def _started(self, task: Task) -> None:
        task.handle = self.bars.add_task(task.label, total=task.total)
        self._open += 1

    def _advanced(self, task: Task, note: str) -> None:
        label = task.label + (f" · {note}" if note else "")
        self.bars.update(task.handle, completed=task.done, description=label)

    def _finished(self, task: Task) -> None:
        self._open -= 1
        if self._open > 0:  # an inner step: its bar goes, the outer one stays
            self.bars.remove_task(task.handle)
        else:
            self.bars.update(task.handle, description=f"{task.label} ({_elapsed(task.seconds)})")


def progress_for(quiet: bool = False, stream: IO[str] | None = None) -> Progress:
    """What a command shows: nothing when ``quiet``, rich bars on a terminal, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if quiet:
        return Progress()
    if out.isatty() and stream is None:
        return RichBars()
    return Lines(out)
