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


def test_plan_folders_that_are_not_plans(tmp_path):
    """A plan.json of the wrong shape is refused as 'not a plan file', never with another exception."""
    from outreach.planfile import load_plan_dir

    for i, body in enumerate(["{}", "[]", '{"campaign": 1}', "nonsense", '{"format": "owso-outreach/plan@1"}', "\x00"]):
        folder = tmp_path / f"p{i}"
        folder.mkdir()
        (folder / "plan.json").write_text(body, encoding="utf-8")
        with pytest.raises(InputError, match="not a plan file") as e:
            load_plan_dir(folder)
        assert e.value.file == str(folder / "plan.json")
    with pytest.raises(InputError, match="no plan.json"):
        load_plan_dir(tmp_path / "empty")


def test_sangkat_and_road_files_that_cannot_be_read(tmp_path):
    from outreach.io import load_sangkat_boundaries
    from outreach.parameters import resolve
    from outreach.roads import load_osm

    points = tmp_path / "points.geojson"
    points.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"150501"},'
                      '"geometry":{"type":"Point","coordinates":[103.9,12.5]}}]}', encoding="utf-8")
    with pytest.raises(InputError, match="no polygon") as e:
        load_sangkat_boundaries(points, districts=["1505"])
    assert e.value.row == 1 and e.value.field == "geometry"
    junk = tmp_path / "junk.geojson"
    junk.write_text("garbage", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read"):
        load_sangkat_boundaries(junk, districts=["1505"])
    for body in ('<osm><node id="1" lat="x" lon="y"/></osm>', "junk"):
        osm = tmp_path / "roads.osm"
        osm.write_text(body, encoding="utf-8")
        with pytest.raises(InputError, match="cannot read the OpenStreetMap file"):
            load_osm(osm, resolve())
