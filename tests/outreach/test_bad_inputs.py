"""The fixed corpus of bad inputs (``tests/data/bad``): each file is refused with its file, row, field and words.

Removing any one validation rule from the loaders makes its case here fail: the corpus holds exactly one
defect per file, and the expected message names the rule.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from outreach.errors import InputError
from outreach.io import load_villages, load_volunteers

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))
ALL = [(kind, name, spec) for kind, group in CASES.items() for name, spec in group.items()]


def _load(kind: str, path: Path) -> object:
    if kind == "villages":
        return load_villages(path, districts=["1505"])
    return load_volunteers(path, village_codes={"15050101", "15050102"})


@pytest.mark.parametrize("kind, name, spec", ALL, ids=[f"{k}/{n}" for k, n, _ in ALL])
def test_refused_with_file_row_field(kind, name, spec):
    path = BAD / kind / f"{name}.csv"
    with pytest.raises(InputError) as e:
        _load(kind, path)
    err = e.value
    assert err.file == str(path)
    assert spec["words"] in err.message, err
    assert err.row == spec.get("row"), err
    assert err.field == spec.get("field"), err


def test_every_file_has_a_case():
    files = {(p.parent.name, p.stem) for p in BAD.glob("*/*.csv")}
    assert files == {(k, n) for k, n, _ in ALL}


def test_the_good_rows_load():
    """The corpus's valid row, alone, loads: each bad file differs from it by its one defect."""
    good = BAD.parent / "good_villages.csv"
    rows, _ = load_villages(good, districts=["1505"])
    assert [(r.code, r.households, r.women, r.men, r.market) for r in rows] == [("15050101", 103, 226, 219, False)]
