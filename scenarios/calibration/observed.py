"""Observed figures: ``OBSERVED.csv`` (one row per figure) or an ``outreach evaluate`` table.

``OBSERVED.csv`` columns (UTF-8, header row):

========  ====================================================================
key       the simulated figure it is compared with (:data:`.registry.FIGURES`)
value     the observed value (a share in 0-1, or a count)
sd        its standard deviation, or blank when ``n`` is given
n         sample size of a share (sd = sqrt(p (1 - p) / n)), or blank
counts    what the figure counts, in words
measured  when and how it was measured
source    where it comes from
role      ``fit`` (default), ``check`` (predicted, never fitted) or
          ``unmodelled`` (kept for the record: no simulated counterpart yet)
========  ====================================================================

An ``evaluation.csv`` written by ``outreach evaluate`` is read as two
figures: the OWSO awareness of the baseline survey (``baseline_aware_share``)
and of the follow-up (``aware_share``), each with its respondents.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from outreach.errors import InputError
from outreach.io.tables import parse_number

from .registry import FIGURES

ROLES = ("fit", "check", "unmodelled")
COLUMNS = ("key", "value", "sd", "n", "counts", "measured", "source")
_Z90 = 1.6448536269514722
_EVALUATION = {"indicator", "level", "key", "baseline_mean", "followup_mean", "baseline_n", "followup_n"}


@dataclass(frozen=True)
class Observation:
    """One observed figure with its standard deviation."""

    key: str
    value: float
    sd: float
    n: float | None
    counts: str
    measured: str
    source: str
    role: str = "fit"


def _number(text: str, file: str, row: int, field: str, *, blank_ok: bool = False) -> float | None:
    """A cell as the table loaders read it (:func:`outreach.io.tables.parse_number`); empty only when allowed."""
    v = parse_number((text or "").strip(), file=file, row=row, field=field)
    if v is None and not blank_ok:
        raise InputError("is empty; give a number", file=file, row=row, field=field)
    return v


def _sd(value: float, sd: float | None, n: float | None, file: str, row: int) -> float:
    if sd is not None:
        if sd <= 0:
            raise InputError(f"sd must be positive, got {sd:g}", file=file, row=row, field="sd")
        return sd
    if n is None:
        raise InputError("give the figure's sd or, for a share, its sample size n", file=file, row=row, field="sd")
    if n < 1:
        raise InputError(f"n must be at least 1, got {n:g}", file=file, row=row, field="n")
    # Floor p(1 - p) at 1/n so a share observed at 0 or 1 keeps a finite likelihood.
    return math.sqrt(max(value * (1 - value), 1.0 / n) / n)


def _row(rec: dict[str, str], file: str, row: int) -> Observation:
    key = (rec.get("key") or "").strip()
    role = (rec.get("role") or "fit").strip() or "fit"
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, got '{role}'", file=file, row=row, field="role")
    if not key:
        raise InputError("is empty; name the figure", file=file, row=row, field="key")
    if role != "unmodelled" and key not in FIGURES:
        raise InputError(f"unknown figure '{key}'; known: {', '.join(sorted(FIGURES))} (or role 'unmodelled')",
                         file=file, row=row, field="key")
    value = _number(rec.get("value", ""), file, row, "value")
    assert value is not None
    if role != "unmodelled" and FIGURES[key].kind == "share" and not 0 <= value <= 1:
        raise InputError(f"a share must lie in 0-1, got {value:g}", file=file, row=row, field="value")
    sd = _number(rec.get("sd", ""), file, row, "sd", blank_ok=True)
    n = _number(rec.get("n", ""), file, row, "n", blank_ok=True)
    if not (rec.get("counts") or "").strip():
        raise InputError("is empty; say what the figure counts", file=file, row=row, field="counts")
    return Observation(key, value, _sd(value, sd, n, file, row), n, rec["counts"].strip(),
                       (rec.get("measured") or "").strip(), (rec.get("source") or "").strip(), role)


def _from_evaluation(records: list[dict[str, str]], file: str) -> tuple[Observation, ...]:
    """Baseline and follow-up OWSO awareness of an ``outreach evaluate`` table."""
    for i, rec in enumerate(records, start=2):
        if (rec["indicator"], rec["level"], rec["key"]) == ("owso", "overall", "all"):
            out = []
            for key, col, when in (("baseline_aware_share", "baseline", "baseline survey"),
                                   ("aware_share", "followup", "follow-up survey")):
                value = _number(rec[f"{col}_mean"], file, i, f"{col}_mean")
                n = _number(rec[f"{col}_n"], file, i, f"{col}_n")
                lo = _number(rec.get(f"{col}_lo", ""), file, i, f"{col}_lo", blank_ok=True)
                hi = _number(rec.get(f"{col}_hi", ""), file, i, f"{col}_hi", blank_ok=True)
                assert value is not None and n is not None
                # The evaluation's 90 % interval carries the design effect of village clustering; n alone does not.
                sd = (hi - lo) / (2 * _Z90) if lo is not None and hi is not None and hi > lo else None
                out.append(Observation(key, value, _sd(value, sd, n, file, i), n,
                                       f"respondents aware of the OWSO ({when})", when, file))
            return tuple(out)
    raise InputError("the evaluation table has no 'owso, overall, all' row", file=file, field="indicator")


def read_observed(path: str | Path) -> tuple[Observation, ...]:
    """Read observed figures from an ``OBSERVED.csv`` or an ``evaluation.csv``.

    Raises
    ------
    InputError
        Naming the file, the row and the field of the first bad value.
    """
    file = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = set(reader.fieldnames or ())
            records = list(reader)
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot be read ({exc})", file=file) from None
    if _EVALUATION <= header:
        return _from_evaluation(records, file)
    missing = [c for c in ("key", "value", "counts") if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}", file=file,
                         row=1, field=missing[0])
    obs = tuple(_row(rec, file, i) for i, rec in enumerate(records, start=2))
    seen: dict[str, int] = {}
    for i, o in enumerate(obs, start=2):
        if o.key in seen:
            raise InputError(f"figure '{o.key}' appears twice (first on row {seen[o.key]})", file=file, row=i,
                             field="key")
        seen[o.key] = i
    if not any(o.role == "fit" for o in obs):
        raise InputError("no figure to fit (every row is 'check' or 'unmodelled')", file=file, field="role")
    return obs
