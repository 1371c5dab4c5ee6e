"""Loaders for the scenario folder's tables, with validation.

Every problem raises :class:`~outreach.errors.InputError` naming the file, the
row as a spreadsheet shows it (header = row 1) and the field. Tables may be
CSV (UTF-8, with or without BOM), XLSX, or any vector file geopandas reads
(GeoJSON, GPKG, SHP) for villages and sangkat boundaries.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from . import gazetteer
from .errors import GeographyError, InputError
from .geo import in_cambodia
from .model import SLOTS, Volunteer

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


def load_villages(
    path: str | Path,
    *,
    districts: Iterable[str],
    skip_incomplete: bool = False,
) -> tuple[list[VillageRow], list[str]]:
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
    suffix = path.suffix.lower()
    if suffix in VECTOR_SUFFIXES:
        df = _read_vector(path, what="villages")
        geom = df.geometry if "geometry" in df.columns else None
        if geom is not None:
            if not all(g is None or g.geom_type == "Point" for g in geom):
                raise InputError("village geometries must be points", file=file, field="geometry")
            df = pd.DataFrame(df.drop(columns="geometry"))
            df["lon"] = [g.x if g is not None else "" for g in geom]
            df["lat"] = [g.y if g is not None else "" for g in geom]
        df = df.fillna("").astype(str)
        row_offset = 1  # feature 1 is "row 1" of a vector file
    elif suffix in TABLE_SUFFIXES:
        df = read_table(path, what="villages")
        row_offset = 2  # header is row 1
    else:
        raise InputError(f"unsupported villages file type '{suffix}'", file=file)

    cols = _pick(df, _VILLAGE_ALIASES)
    for required in ("village_code", "lat", "lon", "households"):
        if required not in cols:
            raise InputError(f"the column '{required}' is missing", file=file, field=required)
    wanted = {gazetteer.normalize_district_code(d) for d in districts}
    rows: list[VillageRow] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(df.to_dict("records")):
        r = i + row_offset
        raw_code = str(rec[cols["village_code"]])
        if raw_code == "" and all(str(v) == "" for v in rec.values()):
            continue  # a blank line Excel left behind
        try:
            code = gazetteer.normalize_village_code(raw_code)
        except GeographyError:
            raise InputError(f"'{raw_code}' is not an 8-digit village code", file=file, row=r,
                             field=cols["village_code"]) from None
        if code in seen:
            raise InputError(f"village code {code} appears twice (first on row {seen[code]})", file=file, row=r,
                             field=cols["village_code"])
        seen[code] = r
        official = gazetteer.village(code)
        if official is None:
            raise InputError(f"village code {code} is not in the official gazetteer", file=file, row=r,
                             field=cols["village_code"])
        if official.district_code not in wanted:
            raise InputError(
                f"village {code} ({official.name_en}) is in district {official.district_code}, "
                f"not in the scenario's districts {sorted(wanted)}", file=file, row=r, field=cols["village_code"])
        lat = _num(str(rec[cols["lat"]]), file=file, row=r, field=cols["lat"])
        lon = _num(str(rec[cols["lon"]]), file=file, row=r, field=cols["lon"])
        hh = _num(str(rec[cols["households"]]), file=file, row=r, field=cols["households"], integer=True)
        if lat is None and lon is None and hh is None and skip_incomplete:
            notes.append(f"{file} row {r}: village {code} ({official.name_en}) has no coordinates or households; left out")
            continue
        if lat is None or lon is None:
            hint = "" if skip_incomplete else " (set skip_incomplete = true under [geography] to leave such villages out)"
            raise InputError(f"village {code} ({official.name_en}) has no coordinates{hint}", file=file, row=r,
                             field=cols["lat"] if lat is None else cols["lon"])
        if not in_cambodia(lon, lat):
            raise InputError(f"({lat}, {lon}) is outside Cambodia; check that lat and lon are not swapped",
                             file=file, row=r, field=cols["lat"])
        if hh is None or hh <= 0:
            raise InputError(f"households must be a positive whole number, got '{rec[cols['households']]}'",
                             file=file, row=r, field=cols["households"])
        pop = _num(str(rec.get(cols.get("population", ""), "")), file=file, row=r, field="population", integer=True)
        women = _num(str(rec.get(cols.get("women", ""), "")), file=file, row=r, field="women", integer=True)
        men = _num(str(rec.get(cols.get("men", ""), "")), file=file, row=r, field="men", integer=True)
        for name, v in (("population", pop), ("women", women), ("men", men)):
            if v is not None and v < 0:
                raise InputError(f"{name} cannot be negative", file=file, row=r, field=name)
        setting = str(rec.get(cols.get("setting", ""), "")).strip().lower() or "rural"
        if setting not in ("rural", "periurban", "roadside"):
            raise InputError(f"setting must be rural, periurban or roadside, got '{setting}'", file=file, row=r,
                             field="setting")
        market = _truthy(str(rec.get(cols.get("market", ""), "")))
        rows.append(VillageRow(code, float(lon), float(lat), int(hh), int(pop or 0), int(women or 0), int(men or 0),
                               setting, market, r))
    if not rows:
        raise InputError("the villages table has no usable rows", file=file)
    return rows, notes


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


_SLOT_ALIASES = {"m": "morning", "morning": "morning", "a": "afternoon", "afternoon": "afternoon",
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
        try:
            home = gazetteer.normalize_village_code(rec["home_village"])
        except GeographyError:
            raise InputError(f"'{rec['home_village']}' is not an 8-digit village code", file=file, row=r,
                             field="home_village") from None
        if home not in known:
            raise InputError(f"home village {home} is not one of the scenario's villages", file=file, row=r,
                             field="home_village")
        avail: set[tuple[int, str]] = set()
        for wd, col in enumerate(_DAY_COLS):
            for tok in rec[col].replace(",", " ").replace(";", " ").split():
                slot = _SLOT_ALIASES.get(tok.lower())
                if slot is None:
                    raise InputError(f"'{tok}' is not a slot (morning, afternoon, evening)", file=file, row=r,
                                     field=col)
                avail.add((wd, slot))
        if not avail:
            raise InputError(f"volunteer '{vid}' has no availability on any day", file=file, row=r, field="mon")
        opw_text = rec.get("outings_per_week", "") or "2"
        opw = _num(opw_text, file=file, row=r, field="outings_per_week", integer=True)
        if opw is None or not (1 <= opw <= 7):
            raise InputError(f"outings_per_week must be between 1 and 7, got '{opw_text}'", file=file, row=r,
                             field="outings_per_week")
        first = _date(rec.get("first_date", ""), file=file, row=r, field="first_date")
        last = _date(rec.get("last_date", ""), file=file, row=r, field="last_date")
        if first and last and last < first:
            raise InputError("last_date is before first_date", file=file, row=r, field="last_date")
        out.append(Volunteer(vid, rec.get("name", "") or vid, sex, home, frozenset(avail), int(opw), first, last,
                             rec.get("phone", ""), rec.get("fixed_pair", "")))  # type: ignore[arg-type]
    if not out:
        raise InputError("the volunteers table has no rows", file=file)
    return tuple(out)


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


def slots_text(avail: Iterable[tuple[int, str]], weekday: int) -> str:
    """Availability of one weekday as the table writes it (``morning afternoon``)."""
    mine = {s for d, s in avail if d == weekday}
    return " ".join(s for s in SLOTS if s in mine)
