"""Loaders for the scenario folder's tables, survey village lists and field progress reports, with validation.

Every problem raises :class:`~outreach.errors.InputError` naming the file, the
row as a spreadsheet shows it (header = row 1) and the field. Tables may be
CSV (UTF-8, with or without BOM), XLSX, or any vector file geopandas reads
(GeoJSON, GPKG, SHP) for villages and sangkat boundaries.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import gazetteer
from .errors import GeographyError, InputError
from .geo import in_cambodia
from .model import District, Geography, Province, Roster, Sangkat, Slot, Village, Volunteer

VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".kml"}
TABLE_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}

# Column aliases: the first name is canonical. Lower-cased, spaces -> underscores.
_VILLAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "village_code": ("village_code", "code", "vill_code", "vcode", "village_id"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "households": ("households", "hh", "households_2008", "hh_tot", "num_households"),
    "population": ("population", "population_2008", "totpop", "pop"),
    "women": ("women", "females", "females_2008", "female"),
    "men": ("men", "males", "males_2008", "male"),
    "setting": ("setting",),
    "market": ("market",),
}


@dataclass(frozen=True)
class VillageRow:
    """A validated village row before projection: official names come from the gazetteer."""

    code: str
    lon: float
    lat: float
    households: int
    population: int
    women: int
    men: int
    setting: str
    market: bool
    row: int


def _clean_columns(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df.columns = [str(c).strip().lstrip("\ufeff").lower().replace(" ", "_") for c in df.columns]
    return df


def read_table(path: str | Path, *, what: str) -> pd.DataFrame:
    """Read a CSV or XLSX table as strings, naming the file on failure.

    Parameters
    ----------
    path : path
        The file.
    what : str
        What the table holds, for messages (``"villages"``).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"the {what} file does not exist", file=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str, engine="openpyxl")
        elif suffix in (".csv", ".txt"):
            df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, skip_blank_lines=True)
        else:
            raise InputError(f"cannot read a {what} table from a '{suffix}' file (use CSV or XLSX)", file=str(path))
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8 text; in Excel use 'Save as > CSV UTF-8' so Khmer names survive", file=str(path)
        ) from None
    except InputError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many types for a corrupt file
        raise InputError(f"cannot read the {what} file ({type(exc).__name__}: {exc})", file=str(path)) from None
    df = _clean_columns(df).fillna("")
    return df.astype(str).apply(lambda s: s.str.strip())


def _read_vector(path: Path, *, what: str) -> pd.DataFrame:
    import geopandas as gpd

    if not path.exists():
        raise InputError(f"the {what} file does not exist", file=str(path))
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise InputError(f"cannot read the {what} file ({type(exc).__name__}: {exc})", file=str(path)) from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return _clean_columns(gdf)


def _pick(df: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    found = {}
    for canon, names in aliases.items():
        for n in names:
            if n in df.columns:
                found[canon] = n
                break
    return found


def _num(text: str, *, file: str, row: int, field: str, integer: bool = False) -> float | None:
    if text == "" or text.lower() in ("nan", "none", "null"):
        return None
    try:
        v = float(text.replace(",", ""))
    except ValueError:
        raise InputError(f"'{text}' is not a number", file=file, row=row, field=field) from None
    if not math.isfinite(v):
        raise InputError(f"'{text}' is not a finite number", file=file, row=row, field=field)
    if integer and v != int(v):
        raise InputError(f"'{text}' is not a whole number", file=file, row=row, field=field)
    return v


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "y", "x")


def load_villages(path: str | Path, *, districts: Iterable[str],
                  skip_incomplete: bool = False) -> tuple[list[VillageRow], list[str]]:
    """Load and validate the villages table.

    Parameters
    ----------
    path : path
        CSV/XLSX with ``village_code, lat, lon, households`` (aliases accepted:
        ``latitude``, ``longitude``, ``households_2008`` ...), or a point vector
        file with a ``village_code`` attribute.
    districts : iterable of str
        District codes of the scenario; every village must belong to one.
    skip_incomplete : bool
        Skip rows whose coordinates *and* households are all empty (villages the
        working group left out) instead of failing on them.

    Returns
    -------
    rows, notes
        Validated rows in file order and human-readable notes (skipped rows).
    """
    path = Path(path)
    file = str(path)
    df, row_offset = _village_frame(path)
    cols = _pick(df, _VILLAGE_ALIASES)
    for required in ("village_code", "lat", "lon", "households"):
        if required not in cols:
            raise InputError(f"the column '{required}' is missing", file=file, field=required)
    table = _VillageTable(file, cols, {gazetteer.normalize_district_code(d) for d in districts}, skip_incomplete)
    rows: list[VillageRow] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(df.to_dict("records")):
        r = i + row_offset
        if str(rec[cols["village_code"]]) == "" and all(str(v) == "" for v in rec.values()):
            continue  # a blank line Excel left behind
        official = _official_village(table, rec, r, seen)
        where = _village_position(table, rec, r, official)
        if where is None:
            notes.append(f"{file} row {r}: village {official.code} ({official.name_en}) has no coordinates or "
                         "households; left out")
            continue
        rows.append(_village_row(table, rec, r, official.code, where))
    if not rows:
        raise InputError("the villages table has no usable rows", file=file)
    return rows, notes


@dataclass(frozen=True)
class _VillageTable:
    """What checking a villages row needs: the file, its columns, the scenario's districts, the skip rule."""

    file: str
    cols: dict[str, str]  # canonical name -> the file's column
    wanted: set[str]  # district codes of the scenario
    skip_incomplete: bool


def _village_frame(path: Path) -> tuple[pd.DataFrame, int]:
    """The villages as a table of strings (points as lon/lat), and the row number of the first record."""
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return read_table(path, what="villages"), 2  # header is row 1
    if suffix not in VECTOR_SUFFIXES:
        raise InputError(f"unsupported villages file type '{suffix}'", file=str(path))
    df = _read_vector(path, what="villages")
    geom = df.geometry if "geometry" in df.columns else None
    if geom is not None:
        if not all(g is None or g.geom_type == "Point" for g in geom):
            raise InputError("village geometries must be points", file=str(path), field="geometry")
        df = pd.DataFrame(df.drop(columns="geometry"))
        df["lon"] = [g.x if g is not None else "" for g in geom]
        df["lat"] = [g.y if g is not None else "" for g in geom]
    return df.fillna("").astype(str), 1  # feature 1 is "row 1" of a vector file


def _official_village(table: _VillageTable, rec: Mapping[str, Any], r: int,
                      seen: dict[str, int]) -> gazetteer.GazetteerVillage:
    """The gazetteer village of the row's code: 8 digits, listed once, official, in the scenario's districts."""
    file, field = table.file, table.cols["village_code"]
    raw_code = str(rec[field])
    try:
        code = gazetteer.normalize_village_code(raw_code)
    except GeographyError:
        raise InputError(f"'{raw_code}' is not an 8-digit village code", file=file, row=r, field=field) from None
    if code in seen:
        raise InputError(f"village code {code} appears twice (first on row {seen[code]})", file=file, row=r,
                         field=field)
    seen[code] = r
    official = gazetteer.village(code)
    if official is None:
        raise InputError(f"village code {code} is not in the official gazetteer", file=file, row=r, field=field)
    if official.district_code not in table.wanted:
        raise InputError(
            f"village {code} ({official.name_en}) is in district {official.district_code}, "
            f"not in the scenario's districts {sorted(table.wanted)}", file=file, row=r, field=field)
    return official


def _village_position(table: _VillageTable, rec: Mapping[str, Any], r: int,
                      official: gazetteer.GazetteerVillage) -> tuple[float, float, int] | None:
    """(lon, lat, households) of the row, or None for an empty row that ``skip_incomplete`` leaves out."""
    file, cols = table.file, table.cols
    lat = _num(str(rec[cols["lat"]]), file=file, row=r, field=cols["lat"])
    lon = _num(str(rec[cols["lon"]]), file=file, row=r, field=cols["lon"])
    hh = _num(str(rec[cols["households"]]), file=file, row=r, field=cols["households"], integer=True)
    if lat is None and lon is None and hh is None and table.skip_incomplete:
        return None
    name = f"village {official.code} ({official.name_en})"
    if lat is None or lon is None:
        hint = ("" if table.skip_incomplete
                else " (set skip_incomplete = true under [geography] to leave such villages out)")
        raise InputError(f"{name} has no coordinates{hint}", file=file, row=r,
                         field=cols["lat"] if lat is None else cols["lon"])
    if not in_cambodia(lon, lat):
        raise InputError(f"({lat}, {lon}) is outside Cambodia; check that lat and lon are not swapped",
                         file=file, row=r, field=cols["lat"])
    if hh is None or hh <= 0:
        raise InputError(f"households must be a positive whole number, got '{rec[cols['households']]}'",
                         file=file, row=r, field=cols["households"])
    return lon, lat, int(hh)


def _village_row(table: _VillageTable, rec: Mapping[str, Any], r: int, code: str,
                 where: tuple[float, float, int]) -> VillageRow:
    """The checked row: position and households, optional census counts, setting and market flag."""
    file, cols = table.file, table.cols
    counts = {name: _num(str(rec.get(cols.get(name, ""), "")), file=file, row=r, field=name, integer=True)
              for name in ("population", "women", "men")}
    for name, v in counts.items():
        if v is not None and v < 0:
            raise InputError(f"{name} cannot be negative", file=file, row=r, field=name)
    setting = str(rec.get(cols.get("setting", ""), "")).strip().lower() or "rural"
    if setting not in ("rural", "periurban", "roadside"):
        raise InputError(f"setting must be rural, periurban or roadside, got '{setting}'", file=file, row=r,
                         field="setting")
    market = _truthy(str(rec.get(cols.get("market", ""), "")))
    lon, lat, hh = where
    return VillageRow(code, float(lon), float(lat), hh, int(counts["population"] or 0), int(counts["women"] or 0),
                      int(counts["men"] or 0), setting, market, r)


def load_sangkat_boundaries(path: str | Path, *, districts: Iterable[str]) -> dict[str, Any]:
    """Load sangkat/commune polygons keyed by their 6-digit code.

    The code is taken from a ``commune_code``/``sangkat_code``/``code`` attribute.
    Invalid geometries are repaired with ``make_valid``; codes must exist in the
    gazetteer and belong to the scenario's districts.
    """
    from shapely import make_valid

    path = Path(path)
    file = str(path)
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        raise InputError("sangkat boundaries must be a vector file (GeoJSON, GPKG, SHP)", file=file)
    gdf = _read_vector(path, what="sangkat boundaries")
    col = next((c for c in ("commune_code", "sangkat_code", "code", "adm3_pcode") if c in gdf.columns), None)
    if col is None:
        raise InputError("no 'commune_code' (or 'sangkat_code') attribute", file=file, field="commune_code")
    wanted = {gazetteer.normalize_district_code(d) for d in districts}
    out: dict[str, Any] = {}
    for i, (code_raw, geom) in enumerate(zip(gdf[col], gdf.geometry), start=1):
        code = str(code_raw).strip()
        if code in ("", "None", "nan"):
            continue  # polygons without a code (e.g. neighbouring areas) are not ours
        if code.isdigit() and len(code) == 5:
            code = "0" + code
        s = gazetteer.sangkat(code)
        if s is None:
            raise InputError(f"sangkat code {code} is not in the official gazetteer", file=file, row=i, field=col)
        if s.district_code not in wanted:
            continue
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"sangkat {code} has no polygon geometry", file=file, row=i, field="geometry")
        out[code] = make_valid(geom) if not geom.is_valid else geom
    return out


_SLOT_ALIASES: dict[str, Slot] = {"m": "morning", "morning": "morning", "a": "afternoon", "afternoon": "afternoon",
                 "e": "evening", "evening": "evening", "am": "morning", "pm": "afternoon"}
_DAY_COLS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _date(text: str, *, file: str, row: int, field: str) -> dt.date | None:
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
        opw = _num(opw_text, file=file, row=r, field="outings_per_week", integer=True)
        if opw is None or not (1 <= opw <= 7):
            raise InputError(f"outings_per_week must be between 1 and 7, got '{opw_text}'", file=file, row=r,
                             field="outings_per_week")
        first = _date(rec.get("first_date", ""), file=file, row=r, field="first_date")
        last = _date(rec.get("last_date", ""), file=file, row=r, field="last_date")
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


def load_cost_overrides(path: str | Path, *, known: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Read ``costs.csv``: ``key, label, unit, usd, channel, source``; returns overrides by key."""
    file = str(path)
    df = read_table(path, what="costs")
    for required in ("key", "usd"):
        if required not in df.columns:
            raise InputError(f"the column '{required}' is missing", file=file, field=required)
    known = set(known)
    out: dict[str, dict[str, Any]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        r = i + 2
        key = rec["key"]
        if not key:
            continue
        if key not in known:
            raise InputError(f"unknown cost key '{key}' (known: {', '.join(sorted(known))})", file=file, row=r,
                             field="key")
        usd = _num(rec["usd"], file=file, row=r, field="usd")
        if usd is None or usd < 0:
            raise InputError(f"usd must be a number of at least 0, got '{rec['usd']}'", file=file, row=r, field="usd")
        out[key] = {k: v for k, v in rec.items() if v != ""} | {"usd": usd}
    return out


# --------------------------------------------------------------------------- survey villages
_LIST_ALIASES: dict[str, tuple[str, ...]] = {
    "village_code": ("village_code", "village", "code"),
    "sangkat_code": ("sangkat_code", "commune_code", "sangkat", "commune"),
    "households": ("households", "hh", "household"),
    "name_en": ("name_en", "name", "village_name"),
    "name_kh": ("name_kh", "name_km"),
}


def load_village_list(path: str | Path) -> Geography:
    """The survey area from a list of villages without positions (``outreach survey --villages``).

    Parameters
    ----------
    path : path
        CSV/XLSX with ``village_code`` and ``households``, optionally the
        ``sangkat_code`` (or ``commune_code``) and names (``name``/``name_en``,
        ``name_kh``). Missing names come from the official gazetteer when it
        knows the code, else the code stands in.

    Returns
    -------
    Geography
        Villages in code order at position (0, 0): the survey does not need
        positions. Sangkats, districts and provinces follow from the codes.
    """
    file = str(path)
    df = read_table(path, what="villages")
    cols = _pick(df, _LIST_ALIASES)
    for field in ("village_code", "households"):
        if field not in cols:
            raise InputError(f"the villages file needs a '{field}' column", file=file, field=field)
    seen: set[str] = set()
    villages = [_listed_village(rec, cols, seen, file=file, row=i + 2) for i, rec in enumerate(df.to_dict("records"))]
    if not villages:
        raise InputError("the villages file has no rows", file=file)
    villages.sort(key=lambda v: v.code)
    sangkats = tuple(Sangkat(c, *_official_names(c), c[:4]) for c in sorted({v.sangkat_code for v in villages}))
    districts = tuple(District(c, *_official_names(c), c[:2]) for c in sorted({v.district_code for v in villages}))
    provinces = tuple(Province(c, *_official_names(c)) for c in sorted({v.province_code for v in villages}))
    return Geography(provinces, districts, sangkats, tuple(villages))


def _official_names(code: str) -> tuple[str, str]:
    """English and Khmer names of a province, district or sangkat code (the code itself when unknown)."""
    official = {2: gazetteer.province, 4: gazetteer.district, 6: gazetteer.sangkat}[len(code)](code)
    return (official.name_en, official.name_kh) if official else (code, code)


def _listed_village(rec: Mapping[str, str], cols: Mapping[str, str], seen: set[str], *, file: str,
                    row: int) -> Village:
    """One row of a village list: its code (once), sangkat, households and names."""
    vcol, hcol, scol = cols["village_code"], cols["households"], cols.get("sangkat_code")
    code = rec[vcol].split(".")[0]  # a code Excel stored as a number: 15050101.0
    try:
        code = gazetteer.normalize_village_code(code)
    except GeographyError:
        raise InputError(f"'{code}' is not an 8-digit village code", file=file, row=row, field=vcol) from None
    if code in seen:
        raise InputError(f"village {code} is listed twice", file=file, row=row, field=vcol)
    seen.add(code)
    sk = rec[scol].split(".")[0].zfill(6) if scol and rec[scol] else code[:6]
    if sk != code[:6]:
        raise InputError(f"village {code} does not belong to sangkat {sk}", file=file, row=row, field=scol)
    try:
        hh = int(float(rec[hcol]))
    except (ValueError, OverflowError):
        raise InputError(f"households '{rec[hcol]}' is not a number", file=file, row=row, field=hcol) from None
    if hh < 0:
        raise InputError("households must be >= 0", file=file, row=row, field=hcol)
    official = gazetteer.village(code)
    en = (rec[cols["name_en"]] if "name_en" in cols else "") or (official.name_en if official else code)
    kh = (rec[cols["name_kh"]] if "name_kh" in cols else "") or (official.name_kh if official else en)
    return Village(code, en, kh, sk, code[:4], code[:2], 0.0, 0.0, 0.0, 0.0, hh)


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
            nums[f] = int(_num(rec.get(f, ""), file=file, row=r, field=f, integer=True) or 0)
            if nums[f] < 0:
                raise InputError(f"{nums[f]} is negative", file=file, row=r, field=f)
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

