"""The fixed corpus of bad inputs (``tests/data/bad``): each file is refused with its file, row, field and words.

Removing any one validation rule from the loaders makes its case here fail: the corpus holds exactly one
defect per file, and the expected message names the rule.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from outreach.errors import InputError
from outreach.io import load_cost_overrides, load_progress, load_sangkat_boundaries, load_villages, load_volunteers
from outreach.model import Outing, Pair, Roster
from outreach.parameters import COSTS, resolve
from outreach.planfile import load_plan_dir
from outreach.roads import load_osm
from outreach.scenario import load_campaign
from outreach.survey.importer import import_survey

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))
ALL = [(kind, name, spec) for kind, group in CASES.items() for name, spec in group.items()]
#: The plan the progress corpus reports on: pair P01 out on 2027-01-18 in two villages.
ROSTER = Roster((Pair("P01", ("V1", "V2"), ("15050101", "15050102")),),
                (Outing("P01", dt.date(2027, 1, 18), "afternoon", (("15050101", 20), ("15050102", 10))),), "corpus")
LOADERS = {
    "villages": lambda p: load_villages(p, districts=["1505"]),
    "volunteers": lambda p: load_volunteers(p, village_codes={"15050101", "15050102"}),
    "scenarios": load_campaign,
    "costs": lambda p: load_cost_overrides(p, known=COSTS),
    "progress": lambda p: load_progress(p, roster=ROSTER),
    "survey": import_survey,
    "sangkats": lambda p: load_sangkat_boundaries(p, districts=["1505"]),
    "roads": lambda p: load_osm(p, resolve()),
    "plans": load_plan_dir,
}


def corpus_file(kind: str, name: str) -> Path:
    """The bad file (a folder for plans) of one case."""
    if kind == "plans":
        return BAD / kind / name
    (path,) = (BAD / kind).glob(f"{name}.*")
    return path


def named_file(kind: str, name: str, spec: dict) -> Path:
    """The file the message must name: the case's own, or the one its ``file`` gives (under the kind's folder)."""
    return BAD / kind / spec["file"] if "file" in spec else corpus_file(kind, name)


def _load(kind: str, path: Path) -> object:
    return LOADERS[kind](path)


@pytest.mark.parametrize("kind, name, spec", ALL, ids=[f"{k}/{n}" for k, n, _ in ALL])
def test_refused_with_file_row_field(kind, name, spec):
    with pytest.raises(InputError) as e:
        _load(kind, corpus_file(kind, name))
    err = e.value
    assert err.file == str(named_file(kind, name, spec))
    assert spec["words"] in err.message, err
    assert err.row == spec.get("row"), err
    assert err.field == spec.get("field"), err


def test_every_file_has_a_case():
    files = {(p.parent.name, p.stem) for p in BAD.glob("*/*") if p.is_file() or p.parent.name == "plans"}
    assert files == {(k, n) for k, n, _ in ALL}
    assert set(LOADERS) == set(CASES)


def test_the_base_scenario_loads(tmp_path):
    """Each bad scenario is one setting away from this one, which plans: the refusal is the setting's."""
    base = (BAD / "scenarios" / "seed_negative.toml").read_text(encoding="utf-8").replace("seed = -1\n", "")
    (tmp_path / "ok.toml").write_text(base, encoding="utf-8")
    c = load_campaign(tmp_path / "ok.toml")
    assert {v.district_code for v in c.geography.villages} == {"1505"} and len(c.volunteers) == 4


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
