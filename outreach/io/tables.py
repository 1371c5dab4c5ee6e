"""Reading tables and vector files, and the cell parsers every loader shares."""

from __future__ import annotations

import math
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


def parse_number(text: str, *, file: str, row: int, field: str, integer: bool = False) -> float | None:
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


def is_truthy(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "y", "x")

