"""Recompute an XLSX workbook's formulas (the ``formulas`` package) as a spreadsheet program would on opening."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def recompute(path: Path) -> dict[tuple[str, str], Any]:
    """``{(sheet, "E12"): value}`` for every cell of the workbook, formulas evaluated."""
    import formulas

    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    out: dict[tuple[str, str], Any] = {}
    for key, ranges in solution.items():
        # keys look like "'[budget.xlsx]BUDGET'!E12"
        text = str(key)
        if "!" not in text or ":" in text.split("!")[1]:
            continue
        sheet = text.split("]")[1].split("'")[0].upper()
        cell = text.split("!")[1].upper()
        value = ranges.value[0][0] if hasattr(ranges, "value") else ranges
        out[(sheet, cell)] = value
    return out
