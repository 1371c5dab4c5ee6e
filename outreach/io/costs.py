"""``costs.csv``: the working group's own unit costs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError
from .tables import parse_number, read_table


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
        usd = parse_number(rec["usd"], file=file, row=r, field="usd")
        if usd is None or usd < 0:
            raise InputError(f"usd must be a number of at least 0, got '{rec['usd']}'", file=file, row=r, field="usd")
        out[key] = {k: v for k, v in rec.items() if v != ""} | {"usd": usd}
    return out

