"""What every ``humsec`` command shares: the consoles, the one way to fail and the ``--k`` option.

``--k`` (poverty cutoffs in percent) has one grammar in every command that takes it:

>>> parse_k(["33"])
[33.0]
>>> parse_k(["20,33", "40"])
[20.0, 33.0, 40.0]
>>> parse_k(["20:50:10"])
[20.0, 30.0, 40.0, 50.0]
>>> parse_k(["20:40:0"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
humsec.core.errors.HumsecError: --k '20:40:0': the step of start:stop:step must be positive. ...
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperCommand

from humsec.core.errors import HumsecError

console = Console(stderr=True, soft_wrap=True)
stdout = Console(soft_wrap=True)  # no wrapping: output is read by people and by scripts

K_FORMS = (
    "Accepted forms: --k 33, --k 20,33, --k 20 --k 33, --k 20 25 33 (values after one --k) "
    "or --k 20:50:5 (start:stop:step, stop included, step > 0); each k in (0, 100] (percent)"
)
_MAX_K_VALUES = 1000
K_HELP = "Poverty cutoff(s) k in percent: 33, 20,33, 20 25 33 or 20:50:5 (repeatable)"
# A token that continues a `--k 20 25 33` list: it starts like a number, so a file name such as
# 2019_survey.dta or a column name is never taken for a k (letters and `_` do not match).
_K_TOKEN = re.compile(r"[-+]?[\d.][\d.,:+-]*")


def fail(exc: Exception) -> None:
    """Print one clear error line and exit with code 2 (nothing is written)."""
    console.print("error: " + str(exc), style="red", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code=2)


def write_or_fail(writers: Sequence[tuple[Any, Any]]) -> list[Any]:
    """Write every output or none (:func:`humsec.core.write.write_all`); a failure exits 2."""
    from humsec.core.write import write_all

    try:
        return write_all(writers)
    except HumsecError as exc:
        fail(exc)
        raise  # unreachable: fail() exits


def notes(lines: list[str]) -> None:
    """Print report lines (what was dropped, merged or assumed)."""
    for line in lines:
        stdout.print(f"note: {line}", highlight=False, markup=False)


def k_option(purpose: str = "") -> Any:
    """The ``--k`` option of every command (declared once); ``purpose`` ends its help line.

    Use it with ``cls=KCommand`` on the command, which lets one ``--k`` take several values.
    """
    return typer.Option([], "--k", help=f"{K_HELP}{'; ' + purpose if purpose else ''}.")


def _in_open_unit(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 < value < 1):
        msg = f"must be in (0, 1), e.g. 0.95 for 95 %; got {value:g}."
        raise typer.BadParameter(msg)
    return value


def _non_negative_int(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise typer.BadParameter(f"must be 0 or more; got {value}.")
    return value


# The options several commands share, declared once: one spelling, one help text, one check.
# A command passes only what differs (its default, or the last words of the help line).


def out_option(help: str, *, required: bool = False) -> Any:
    """``--out FILE``: the command's main output table (format from the suffix)."""
    return typer.Option(... if required else None, "--out", help=help)


def over_option(help: str = "Grouping column(s) to break results down by (repeatable).") -> Any:
    """``--over COL``: grouping columns, repeatable."""
    return typer.Option([], "--over", help=help)


def level_option(default: float = 0.95) -> Any:
    """``--level``: confidence level in (0, 1)."""
    return typer.Option(
        default, "--level", help="Confidence level, in (0, 1).", callback=_in_open_unit
    )


def seed_option(default: int | None = None, help: str = "Random seed (reproducible draws).") -> Any:
    """``--seed N``: seed of every random draw, ≥ 0."""
    return typer.Option(default, "--seed", help=help, callback=_non_negative_int)


def boundaries_option(help: str = "GeoJSON boundaries of the areas, for maps.") -> Any:
    """``--boundaries FILE``: the areas' GeoJSON (one file)."""
    return typer.Option(None, "--boundaries", help=help)


def boundary_key_option(
    default: str, help: str = "Feature property holding the area codes or names."
) -> Any:
    """``--boundary-key NAME``: which GeoJSON property identifies an area."""
    return typer.Option(default, "--boundary-key", help=help)


def map_option(help: str = "Also draw a PNG map (needs --boundaries).") -> Any:
    """``--map FILE.png``: a drawn map of the results."""
    return typer.Option(None, "--map", help=help)


def quiet_option(help: str = "No progress on stderr.") -> Any:
    """``--quiet/-q``."""
    return typer.Option(False, "--quiet", "-q", help=help)


class KCommand(TyperCommand):
    """A command whose ``--k`` takes every number-like value that follows it.

    click gives an option one value per occurrence, so ``--k 20 25 33`` is rewritten to
    ``--k 20 --k 25 --k 33`` before parsing (``--`` ends the rewriting, as it ends options).
    """

    # ctx: typer's vendored click Context (a private module, so not named here)
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_k(args))


def spread_k(args: Sequence[str]) -> list[str]:
    """``[..., "--k", "20", "25"]`` → ``[..., "--k", "20", "--k", "25"]``.

    >>> spread_k(["spec.yaml", "--k", "20", "25", "--over", "region", "2019.csv"])
    ['spec.yaml', '--k', '20', '--k', '25', '--over', 'region', '2019.csv']
    """
    out: list[str] = []
    value_next = in_k = False  # the next token is --k's own value / we are after --k's value
    for i, token in enumerate(args):
        if token == "--":
            return out + list(args[i:])
        if value_next:
            out.append(token)
            value_next, in_k = False, True
            continue
        if in_k and _K_TOKEN.fullmatch(token):
            out += ["--k", token]
            continue
        out.append(token)
        value_next, in_k = token == "--k", token.startswith("--k=")
    return out


def parse_k(values: Sequence[str]) -> list[float]:
    """Every value of the ``--k`` options → the cutoffs, in the order given, without repeats.

    Raises ``HumsecError`` naming the bad value and the accepted forms.
    """
    ks: list[float] = []
    for value in values:
        for part in str(value).split(","):
            ks += _one_k_item(part.strip(), str(value))
    return list(dict.fromkeys(ks))


def _one_k_item(item: str, given: str) -> list[float]:
    if ":" not in item:
        return [_k_number(item, given)]
    bounds = item.split(":")
    if len(bounds) != 3:
        raise HumsecError(f"--k {given!r}: a range is start:stop:step. {K_FORMS}.")
    start, stop, step = (_k_number(b, given, in_range=i < 2) for i, b in enumerate(bounds))
    if step <= 0:
        raise HumsecError(
            f"--k {given!r}: the step of start:stop:step must be positive. {K_FORMS}."
        )
    if stop < start:
        raise HumsecError(f"--k {given!r}: the start must not exceed the stop. {K_FORMS}.")
    # counted, not accumulated: 20:50:0.1 ends at 50 exactly, not at 49.9999...
    n = math.floor((stop - start) / step + 1e-9)
    if n >= _MAX_K_VALUES:  # a typo such as 20:50:0.0001 would otherwise run for hours
        raise HumsecError(
            f"--k {given!r} gives {n + 1} values; at most {_MAX_K_VALUES}. {K_FORMS}."
        )
    return [round(start + i * step, 10) for i in range(n + 1)]


def _k_number(text: str, given: str, *, in_range: bool = True) -> float:
    try:
        value = float(text)
    except ValueError:
        raise HumsecError(f"--k {given!r}: {text!r} is not a number. {K_FORMS}.") from None
    if not math.isfinite(value) or (in_range and not 0 < value <= 100):
        raise HumsecError(f"--k {given!r}: {text} is not in (0, 100]. {K_FORMS}.")
    return value


def one_k(values: Sequence[str], command: str) -> float | None:
    """The single cutoff of a command that takes one k (``None`` when ``--k`` is not given)."""
    ks = parse_k(values)
    if len(ks) > 1:
        shown = ", ".join(f"{k:g}" for k in ks)
        raise HumsecError(f"{command} takes one --k; got {shown}. Run it once per k.")
    return ks[0] if ks else None
