"""Village tables (positions and households), sangkat boundaries and survey village lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import gazetteer
from ..errors import GeographyError, InputError
from ..geo import in_cambodia
from ..model import District, Geography, Province, Sangkat, Village
from .tables import TABLE_SUFFIXES, VECTOR_SUFFIXES, parse_number, pick_columns, read_table, read_vector

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
    cols = pick_columns(df, _VILLAGE_ALIASES)
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
    df = read_vector(path, what="villages")
    geom = df.geometry if "geometry" in df.columns else None
    if geom is not None:
        if not all(g is None or g.geom_type == "Point" for g in geom):
            raise InputError("village geometries must be points", file=str(path), field="geometry")
        df = pd.DataFrame(df.drop(columns="geometry"))
        df["lon"] = [g.x if g is not None else "" for g in geom]
        df["lat"] = [g.y if g is not None else "" for g in geom]
    # object first: pandas will refuse to fill a float column (a numeric attribute with gaps) with ""
    return df.astype(object).fillna("").astype(str), 1  # feature 1 is "row 1" of a vector file


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
    lat = parse_number(str(rec[cols["lat"]]), file=file, row=r, field=cols["lat"])
    lon = parse_number(str(rec[cols["lon"]]), file=file, row=r, field=cols["lon"])
    hh = parse_number(str(rec[cols["households"]]), file=file, row=r, field=cols["households"], integer=True)
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
    if hh > MAX_VILLAGE_HOUSEHOLDS:
        # quote the cell as typed: 1e30 read as a float prints as 1,000,000,000,000,000,019,884,624,838,656
        raise InputError(f"'{rec[cols['households']]}' households in one village is more than "
                         f"{MAX_VILLAGE_HOUSEHOLDS:,}: the largest village of the 2008 census had 5,455",
                         file=file, row=r, field=cols["households"])
    return lon, lat, int(hh)


#: Ten times the largest village of the 2008 census (5,455 households): a larger figure is a typing slip,
#: and planning for it would only exhaust the machine's memory.
MAX_VILLAGE_HOUSEHOLDS = 50_000
_YES = {"1", "true", "yes", "y", "x"}
_NO = {"", "0", "false", "no", "n"}


def _census_counts(table: _VillageTable, rec: Mapping[str, Any], r: int, households: int) -> dict[str, int]:
    """Population, women and men of the row (0 when not given), checked against each other."""
    file, cols = table.file, table.cols
    counts = {name: parse_number(str(rec.get(cols.get(name, ""), "")), file=file, row=r, field=name, integer=True)
              for name in ("population", "women", "men")}
    for name, v in counts.items():
        if v is not None and v < 0:
            raise InputError(f"{name} cannot be negative", file=file, row=r, field=name)
    pop, women, men = (int(counts[k] or 0) for k in ("population", "women", "men"))
    if pop:
        if women + men > pop:
            raise InputError(f"women ({women:,}) and men ({men:,}) add up to more than the population ({pop:,})",
                             file=file, row=r, field="women" if women > men else "men")
        if pop < households:
            raise InputError(f"a population of {pop:,} cannot fill {households:,} households", file=file, row=r,
                             field="population")
    return {"population": pop, "women": women, "men": men}


def _village_row(table: _VillageTable, rec: Mapping[str, Any], r: int, code: str,
                 where: tuple[float, float, int]) -> VillageRow:
    """The checked row: position and households, optional census counts, setting and market flag."""
    file, cols = table.file, table.cols
    lon, lat, hh = where
    counts = _census_counts(table, rec, r, hh)
    setting = str(rec.get(cols.get("setting", ""), "")).strip().lower() or "rural"
    if setting not in ("rural", "periurban", "roadside"):
        raise InputError(f"setting must be rural, periurban or roadside, got '{setting}'", file=file, row=r,
                         field="setting")
    market_text = str(rec.get(cols.get("market", ""), "")).strip().lower()
    if market_text not in _YES | _NO:
        raise InputError(f"market must be yes or no (or 1/0), got '{market_text}'", file=file, row=r, field="market")
    return VillageRow(code, float(lon), float(lat), hh, counts["population"], counts["women"], counts["men"],
                      setting, market_text in _YES, r)


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
    gdf = read_vector(path, what="sangkat boundaries")
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
    cols = pick_columns(df, _LIST_ALIASES)
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

