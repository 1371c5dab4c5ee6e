"""The volunteers table: who, where they live, when they are free."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from .. import gazetteer
from ..errors import GeographyError, InputError
from ..model import Sex, Slot, Volunteer
from ..rules import FIRST_DATE, LAST_DATE
from .tables import parse_number, read_table

_SLOT_ALIASES: dict[str, Slot] = {"m": "morning", "morning": "morning", "a": "afternoon", "afternoon": "afternoon",
                 "e": "evening", "evening": "evening", "am": "morning", "pm": "afternoon"}
_DAY_COLS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


#: A date cell: YYYY-MM-DD, or the "YYYY-MM-DD 00:00:00" an Excel date cell reads as; nothing else after it.
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")
#: Sex as typed: F/M, the English words, or Khmer (ស្រី woman, ប្រុស man).
_SEX: dict[str, Sex] = {"f": "F", "female": "F", "woman": "F", "w": "F", "ស្រី": "F",
        "m": "M", "male": "M", "man": "M", "ប្រុស": "M"}


def parse_date(text: str, *, file: str, row: int, field: str) -> dt.date | None:
    """A date cell, within 2000-01-01 and 2100-12-31, or None when empty."""
    if not text:
        return None
    m = _DATE.match(text.strip())
    try:
        day = dt.date.fromisoformat(m[1]) if m else None
    except ValueError:
        day = None
    if day is None:
        raise InputError(f"'{text}' is not a date (use YYYY-MM-DD)", file=file, row=row, field=field)
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(f"{day} is outside {FIRST_DATE} to {LAST_DATE}", file=file, row=row, field=field)
    return day


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
        sex = _SEX.get(rec["sex"].strip().lower())
        if sex is None:
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
    _check_fixed_pairs(out, seen, file)
    return tuple(out)


def _check_fixed_pairs(volunteers: list[Volunteer], rows: Mapping[str, int], file: str) -> None:
    """A ``fixed_pair`` label names a team of two or three who share at least one free slot."""
    teams: dict[str, list[Volunteer]] = {}
    for v in volunteers:
        if v.fixed_pair:
            teams.setdefault(v.fixed_pair, []).append(v)
    for label, members in teams.items():
        last = max(rows[v.id] for v in members)
        if not 2 <= len(members) <= 3:
            raise InputError(f"fixed_pair '{label}' is on {len(members)} volunteer(s); a team is two or three "
                             "who go out together", file=file, row=last, field="fixed_pair")
        shared = frozenset.intersection(*(v.availability for v in members))
        if not shared:
            names = ", ".join(v.id for v in members)
            raise InputError(f"the fixed team '{label}' ({names}) shares no free slot in the week, so it could "
                             "never go out", file=file, row=last, field="fixed_pair")


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

