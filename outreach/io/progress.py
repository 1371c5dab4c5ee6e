"""``progress.csv``: what the pairs report from the field, for ``outreach replan``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Roster
from .tables import parse_number, read_table
from .villages import MAX_VILLAGE_HOUSEHOLDS

# --------------------------------------------------------------------------- field reports
#: Columns of progress.csv, in order (extra columns are ignored).
PROGRESS_COLUMNS = ("pair_id", "date", "village_code", "visited", "not_at_home", "refused", "cancelled")
_CANCELLED = {"1", "yes", "y", "true", "x", "cancelled"}
_NOT_CANCELLED = {"", "0", "no", "n", "false"}


@dataclass(frozen=True)
class ProgressRow:
    """One reported village visit of a planned outing (a row of progress.csv).

    ``visited`` households talked to, ``not_at_home`` nobody answered (they get
    callbacks), ``refused`` did not want to talk; ``cancelled`` means the outing
    did not take place (its households go back into the queue). ``row`` is the
    spreadsheet row number, for messages.
    """

    pair_id: str
    date: dt.date
    village_code: str
    visited: int = 0
    not_at_home: int = 0
    refused: int = 0
    cancelled: bool = False
    row: int = 0


def load_progress(path: str | Path, *, roster: Roster) -> list[ProgressRow]:
    """Read progress.csv and check every row against the plan's roster.

    Columns (header row required, case-insensitive, any order):
    ``pair_id`` (e.g. P03), ``date`` (YYYY-MM-DD, a date the pair had an
    outing), ``village_code`` (a village of that outing), ``visited``,
    ``not_at_home``, ``refused`` (whole numbers ≥ 0 read like the other
    tables' numbers, blank = 0),
    ``cancelled`` (yes/1/x when the outing did not happen, else blank/no/0).

    Raises
    ------
    InputError
        Naming the file, the row (header = row 1) and the field at fault.
    """
    file = str(path)
    df = read_table(path, what="progress")
    missing = [c for c in PROGRESS_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(PROGRESS_COLUMNS)}",
                         file=file, row=1, field=missing[0])
    outings = {(o.pair_id, o.date): {c for c, _ in o.visits} for o in roster.outings}
    pairs = {p.id for p in roster.pairs}
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        r = i + 2
        if not any(rec.get(c) for c in PROGRESS_COLUMNS):
            continue  # blank line
        pid, day = _planned_visit(rec, outings, pairs, file=file, row=r)
        nums: dict[str, int] = {}
        for f in ("visited", "not_at_home", "refused"):
            nums[f] = int(parse_number(rec.get(f, ""), file=file, row=r, field=f, integer=True) or 0)
            if nums[f] < 0:
                raise InputError(f"{nums[f]} is negative", file=file, row=r, field=f)
            if nums[f] > MAX_VILLAGE_HOUSEHOLDS:  # a slip; re-planning 1e30 callbacks would exhaust the memory
                raise InputError(f"'{rec[f]}' households in one village visit is more than {MAX_VILLAGE_HOUSEHOLDS:,}: "
                                 "the largest village of the 2008 census had 5,455", file=file, row=r, field=f)
        c = rec.get("cancelled", "").lower()
        if c not in _CANCELLED | _NOT_CANCELLED:
            raise InputError(f"'{rec['cancelled']}' is not yes/no", file=file, row=r, field="cancelled")
        rows.append(ProgressRow(pid, day, rec["village_code"], nums["visited"], nums["not_at_home"], nums["refused"],
                                c in _CANCELLED, r))
    return rows


def _planned_visit(rec: Mapping[str, str], outings: Mapping[tuple[str, dt.date], set[str]], pairs: set[str], *,
                   file: str, row: int) -> tuple[str, dt.date]:
    """The (pair, date) of the row, checked: a known pair, a date it went out, a village of that outing."""
    pid = rec["pair_id"]
    if pid not in pairs:
        raise InputError(f"unknown pair '{pid}' (the plan has {', '.join(sorted(pairs))})", file=file, row=row,
                         field="pair_id")
    try:
        day = dt.date.fromisoformat(rec["date"])
    except ValueError:
        raise InputError(f"'{rec['date']}' is not a date like 2027-01-18", file=file, row=row, field="date") from None
    villages = outings.get((pid, day))
    if villages is None:
        raise InputError(f"{pid} has no planned outing on {day}", file=file, row=row, field="date")
    code = rec["village_code"]
    if code not in villages:
        raise InputError(f"village '{code}' is not part of {pid}'s outing on {day}", file=file, row=row,
                         field="village_code")
    return pid, day


