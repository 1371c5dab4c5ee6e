"""Reading tables and vector files, and the cell parsers every loader shares."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import InputError

VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".kml"}
TABLE_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}


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
    if suffix in (".csv", ".txt"):
        _refuse_nul(path)
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
    _refuse_repeated_columns(df, str(path))
    return df.astype(str).apply(lambda s: s.str.strip())


def _refuse_nul(path: Path) -> None:
    """A NUL byte: the CSV reader would silently cut the row there; name the row instead."""
    data = path.read_bytes()
    at = data.find(b"\x00")
    if at >= 0:
        row = data.count(b"\n", 0, at) + 1
        raise InputError("the row holds a NUL character (a damaged file, or not a CSV); re-save it from Excel",
                         file=str(path), row=row)


_MANGLED = re.compile(r"^(?P<name>.+)\.(?P<n>\d+)$")


def _refuse_repeated_columns(df: pd.DataFrame, file: str) -> None:
    """Two columns with one name: pandas would rename the second ``name.1`` and read the first silently."""
    names = [str(c) for c in df.columns]
    for c in names:
        m = _MANGLED.match(c)
        if names.count(c) > 1 or (m and m["name"] in names):
            name = m["name"] if m and m["name"] in names else c
            raise InputError(f"the column '{name}' appears more than once; keep one", file=file, row=1, field=name)


def read_vector(path: Path, *, what: str) -> pd.DataFrame:
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


def pick_columns(df: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    found = {}
    for canon, names in aliases.items():
        for n in names:
            if n in df.columns:
                found[canon] = n
                break
    return found


#: Khmer digits ០-៩ as Excel on a Khmer keyboard types them.
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_DECIMAL_COMMA = re.compile(r"^-?\d+,(\d{1,2}|\d{4,})$")


def parse_number(text: str, *, file: str, row: int, field: str, integer: bool = False) -> float | None:
    """A cell as a number: Khmer digits read, "11,46" a decimal comma, "1,234" a thousands separator."""
    if text == "" or text.lower() in ("nan", "none", "null"):
        return None
    text = text.translate(_KHMER_DIGITS)
    plain = text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text.replace(",", "")
    try:
        v = float(plain)
    except ValueError:
        raise InputError(f"'{text}' is not a number", file=file, row=row, field=field) from None
    if not math.isfinite(v):
        raise InputError(f"'{text}' is not a finite number", file=file, row=row, field=field)
    if integer and v != int(v):
        raise InputError(f"'{text}' is not a whole number", file=file, row=row, field=field)
    return v

