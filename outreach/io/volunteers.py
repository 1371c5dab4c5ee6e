"""The volunteers table: who, where they live, when they are free."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from .. import gazetteer
from ..errors import GeographyError, InputError
from ..model import Slot, Volunteer
from .tables import parse_number, read_table

_SLOT_ALIASES: dict[str, Slot] = {"m": "morning", "morning": "morning", "a": "afternoon", "afternoon": "afternoon",
                 "e": "evening", "evening": "evening", "am": "morning", "pm": "afternoon"}
_DAY_COLS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_date(text: str, *, file: str, row: int, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(f"'{text}' is not a date (use YYYY-MM-DD)", file=file, row=row, field=field) from None


def load_volunteers(path: str | Path, *, village_codes: Iterable[str]) -> tuple[Volunteer, ...]:
    """Load the volunteers table.

    Columns: ``id, name, sex (F/M), home_village, mon … sun`` (each a list of
    slots such as ``morning afternoon`` or ``m a e``), ``outings_per_week``
    (2–3), optional ``first_date, last_date, phone, fixed_pair``.
    """
    file = str(path)
    df = read_table(path, what="volunteers")
    for required in ("id", "sex", "home_village", *_DAY_COLS):
        if required not in df.columns:
            raise InputError(f"the column '{required}' is missing", file=file, field=required)
    known = set(village_codes)
    out: list[Volunteer] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(df.to_dict("records")):
        r = i + 2
        vid = rec["id"]
        if not vid and not any(rec.values()):
            continue
        if not vid:
            raise InputError("volunteer id is empty", file=file, row=r, field="id")
        if vid in seen:
            raise InputError(f"volunteer id '{vid}' appears twice (first on row {seen[vid]})", file=file, row=r,
                             field="id")
        seen[vid] = r
        sex = rec["sex"].upper()[:1]
        if sex not in ("F", "M"):
            raise InputError(f"sex must be F or M, got '{rec['sex']}'", file=file, row=r, field="sex")
        home = _home_village(rec["home_village"], known, file=file, row=r)
        avail = _availability(rec, vid, file=file, row=r)
        opw_text = rec.get("outings_per_week", "") or "2"
        opw = parse_number(opw_text, file=file, row=r, field="outings_per_week", integer=True)
        if opw is None or not (1 <= opw <= 7):
            raise InputError(f"outings_per_week must be between 1 and 7, got '{opw_text}'", file=file, row=r,
                             field="outings_per_week")
        first = parse_date(rec.get("first_date", ""), file=file, row=r, field="first_date")
        last = parse_date(rec.get("last_date", ""), file=file, row=r, field="last_date")
        if first and last and last < first:
            raise InputError("last_date is before first_date", file=file, row=r, field="last_date")
        out.append(Volunteer(vid, rec.get("name", "") or vid, sex, home, avail, int(opw), first, last,
                             rec.get("phone", ""), rec.get("fixed_pair", "")))
    if not out:
        raise InputError("the volunteers table has no rows", file=file)
    return tuple(out)


def _home_village(text: str, known: set[str], *, file: str, row: int) -> str:
    """The 8-digit code of a volunteer's home village, which must be one of the scenario's villages."""
    try:
        home = gazetteer.normalize_village_code(text)
    except GeographyError:
        raise InputError(f"'{text}' is not an 8-digit village code", file=file, row=row,
                         field="home_village") from None
    if home not in known:
        raise InputError(f"home village {home} is not one of the scenario's villages", file=file, row=row,
                         field="home_village")
    return home


def _availability(rec: Mapping[str, str], vid: str, *, file: str, row: int) -> frozenset[tuple[int, Slot]]:
    """(weekday, slot) pairs of the day columns ``mon … sun``; at least one is required."""
    avail: set[tuple[int, Slot]] = set()
    for wd, col in enumerate(_DAY_COLS):
        for tok in rec[col].replace(",", " ").replace(";", " ").split():
            slot = _SLOT_ALIASES.get(tok.lower())
            if slot is None:
                raise InputError(f"'{tok}' is not a slot (morning, afternoon, evening)", file=file, row=row,
                                 field=col)
            avail.add((wd, slot))
    if not avail:
        raise InputError(f"volunteer '{vid}' has no availability on any day", file=file, row=row, field="mon")
    return frozenset(avail)

