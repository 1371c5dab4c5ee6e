"""Loaders for the scenario folder's tables, survey village lists and field progress reports, with validation.

Every problem raises :class:`~outreach.errors.InputError` naming the file, the
row as a spreadsheet shows it (header = row 1) and the field. Tables may be
CSV (UTF-8, with or without BOM), XLSX, or any vector file geopandas reads
(GeoJSON, GPKG, SHP) for villages and sangkat boundaries.
"""

from .costs import load_cost_overrides
from .progress import PROGRESS_COLUMNS, ProgressRow, load_progress
from .tables import TABLE_SUFFIXES, VECTOR_SUFFIXES, read_table
from .villages import VillageRow, load_sangkat_boundaries, load_village_list, load_villages
from .volunteers import load_volunteers

__all__ = [
    "PROGRESS_COLUMNS", "TABLE_SUFFIXES", "VECTOR_SUFFIXES", "ProgressRow", "VillageRow", "load_cost_overrides",
    "load_progress", "load_sangkat_boundaries", "load_village_list", "load_villages", "load_volunteers", "read_table",
]
