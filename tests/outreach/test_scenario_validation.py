"""Settings a careless user types: each is refused with the file and the field named (issue 19's list)."""

import csv

import numpy as np
import pytest

from outreach.errors import GeographyError, InputError, ScenarioError
from outreach.geo import FAR_FLOOR_M, district_reach_m
from outreach.scenario import load_campaign
from tests.conftest import shared_path, write_scenario


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("limit_usd = 3000", "limit_usd = inf", "budget.limit_usd"),
        ("limit_usd = 3000", "limit_usd = nan", "budget.limit_usd"),
        ("limit_usd = 3000", "limit_usd = 3000\nusd_to_khr = inf", "budget.usd_to_khr"),
        ("limit_usd = 3000", "limit_usd = 3000\nusd_to_khr = 4.1", "budget.usd_to_khr"),
        ("start = 2027-01-04", "start = 9999-12-20", "calendar"),
        ("start = 2027-01-04", "start = 0001-01-01", "calendar"),
        ('districts = ["1505"]', 'districts = ["1505"]\nseed = -1', "scenario.seed"),
        ('districts = ["1505"]', 'districts = ["1505"]\nseed = 9223372036854775807', "scenario.seed"),
        ('districts = ["1505"]', 'districts = ["1505", "1505"]', "scenario.districts"),
        ("skip_incomplete = true", "skip_incomplete = true\nhousehold_growth = nan", "geography.household_growth"),
        ("skip_incomplete = true", "skip_incomplete = true\nhousehold_growth = 0", "geography.household_growth"),
        ("skip_incomplete = true", "skip_incomplete = true\nhousehold_growth = -1", "geography.household_growth"),
        ("skip_incomplete = true", "skip_incomplete = true\nhousehold_growth = 1e300", "geography.household_growth"),
        ("volunteer_women = 4", "volunteer_women = 40", "resources"),
        ("limit_usd = 3000", 'limit_usd = 3000\n[targets]\nmin_awareness_by_sangkat = { "150501" = 5.0 }',
         "targets.min_awareness_by_sangkat.150501"),
        ("limit_usd = 3000", 'limit_usd = 3000\n[targets]\nmin_awareness_by_sangkat = { "150501" = -1 }',
         "targets.min_awareness_by_sangkat.150501"),
        ("limit_usd = 3000", 'limit_usd = 3000\n[survey]\nweights = { women = inf }', "survey.weights.women"),
        ("volunteer_women = 4", 'volunteer_women = 4\nvehicles = [{ district = "1505", lat = 12.53 }]',
         "resources.vehicles.0"),
    ],
)
def test_refused_with_its_field(tmp_path, pursat_real_scenario, old, new, field):
    text = pursat_real_scenario.read_text()
    assert old in text
    p = write_scenario(tmp_path / "bad", text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as e:
        load_campaign(p)
    assert e.value.file == str(p)
    assert e.value.field is not None and e.value.field.startswith(field), e.value


def test_depot_in_another_province_is_refused(tmp_path, pursat_real_scenario):
    # Pursat is near 12.53 N 103.92 E; 13.36 N 103.86 E is Siem Reap, about 90 km north: inside Cambodia.
    text = pursat_real_scenario.read_text().replace(
        "volunteer_women = 4", 'volunteer_women = 4\nvehicles = [{ district = "1505", lat = 13.36, lon = 103.86 }]')
    p = write_scenario(tmp_path / "far", text)
    with pytest.raises(ScenarioError, match=r"lies \d+ km from the middle") as e:
        load_campaign(p)
    assert e.value.field == "resources.vehicles.0.lat"


def test_depot_in_town_is_accepted(tmp_path, pursat_real_scenario):
    text = pursat_real_scenario.read_text().replace(
        "volunteer_women = 4", 'volunteer_women = 4\nvehicles = [{ district = "1505", lat = 12.538, lon = 103.919 }]')
    c = load_campaign(write_scenario(tmp_path / "near", text))
    assert c.vehicles[0].depot_given


def test_village_far_from_its_district_names_its_row(tmp_path):
    src = shared_path("geodata", "villages_1505.csv")
    with open(src, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0])
    lat_col = next(c for c in cols if c.lower() in ("lat", "latitude"))
    hh_col = next(c for c in cols if c.lower().startswith("households"))
    placed = [i for i, r in enumerate(rows) if r[lat_col] and r[hh_col]]
    bad = placed[3]
    rows[bad][lat_col] = str(float(rows[bad][lat_col]) + 1.2)  # 1.2 degrees north: about 133 km
    folder = tmp_path / "moved"
    folder.mkdir()
    with open(folder / "villages.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    p = write_scenario(folder, """
[scenario]
name = "moved village"
districts = ["1505"]
[geography]
villages = "villages.csv"
skip_incomplete = true
[calendar]
start = 2027-01-04
weeks = 4
[budget]
limit_usd = 3000
""")
    with pytest.raises(GeographyError, match=r"lies 1[23]\d km") as e:
        load_campaign(p)
    assert e.value.row == bad + 2  # header is row 1
    assert e.value.file.endswith("villages.csv") and e.value.field == "lat"


def test_reach_limit_by_hand():
    # Five villages at 0, 1, 2, 3, 4 km east: median (2 km, 0); distances 2, 1, 0, 1, 2 km; median 1 km;
    # radius 2 km; 3 radii = 6 km, below the 60 km floor.
    mx, my, limit = district_reach_m([0, 1000, 2000, 3000, 4000], [0, 0, 0, 0, 0])
    assert (mx, my, limit) == (2000.0, 0.0, FAR_FLOOR_M)
    # Spread 100 times wider: distances 200, 100, 0, 100, 200 km; radius 200 km; 3 radii = 600 km.
    assert district_reach_m(np.arange(5) * 100_000.0, np.zeros(5))[2] == pytest.approx(600_000.0)


def test_no_real_district_village_is_refused():
    """Every district of the national census points passes the far-village rule (the floor was set from them)."""
    import pandas as pd

    from outreach.geo import to_utm

    d = pd.read_csv(shared_path("geodata", "villages_national.csv"), dtype={"commune_code": str}).dropna(
        subset=["lat", "lon"])
    x, y = to_utm(d["lon"].to_numpy(), d["lat"].to_numpy())
    district = d["commune_code"].str[:4].to_numpy()
    worst = 0.0
    for code in np.unique(district):
        idx = district == code
        mx, my, limit = district_reach_m(x[idx], y[idx])
        worst = max(worst, float(np.max(np.hypot(x[idx] - mx, y[idx] - my)) / limit))
    assert 0.5 < worst < 1.0  # close to the limit somewhere (the rule is not vacuous), never over it


def test_error_is_an_input_error():
    assert issubclass(GeographyError, InputError)


def test_district_name_instead_of_code_names_the_file(tmp_path, pursat_real_scenario):
    p = write_scenario(tmp_path / "name", pursat_real_scenario.read_text().replace('["1505"]', '["Chbar Mon"]'))
    with pytest.raises(ScenarioError, match="4-digit district code") as e:
        load_campaign(p)
    assert e.value.file == str(p) and e.value.field.startswith("scenario.districts")


def test_every_day_blacked_out_is_refused(tmp_path, pursat_real_scenario):
    days = ", ".join(f"2027-01-{d:02d}" for d in range(4, 32)) + ", 2027-02-01"
    text = pursat_real_scenario.read_text().replace("weeks = 4", f"weeks = 4\nblackout = [{days}]")
    p = write_scenario(tmp_path / "dark", text)
    with pytest.raises(ScenarioError, match="holiday or a blackout") as e:
        load_campaign(p)
    assert e.value.file == str(p)


def test_volunteers_all_outside_the_campaign(tmp_path, pursat_real_scenario):
    head = "id,name,sex,home_village,mon,tue,wed,thu,fri,sat,sun,outings_per_week,first_date,last_date\n"
    rows = "".join(f"V{i},N{i},F,15050101,afternoon,,,,,morning,,2,2030-01-01,2030-03-01\n" for i in range(4))
    folder = pursat_real_scenario.parent
    (folder / "volunteers.csv").write_text(head + rows, encoding="utf-8")
    text = pursat_real_scenario.read_text().replace("volunteer_count = 10", 'volunteers = "volunteers.csv"')
    text = text.replace("volunteer_women = 4\n", "")
    p = write_scenario(folder, text)
    with pytest.raises(ScenarioError, match="nobody could go out") as e:
        load_campaign(p)
    assert e.value.file.endswith("volunteers.csv")


@pytest.mark.parametrize(("line", "vehicles"), [
    ("", ["tuktuk-1505"]),  # left out: the district's one tuk-tuk
    ("vehicles = []", []),  # said: none
    ('vehicles = [{ district = "1505", count = 0 }]', []),
    ('vehicles = [{ district = "1505", count = 2 }]', ["tuktuk-1505-1", "tuktuk-1505-2"]),
])
def test_the_tuktuks_a_scenario_names(tmp_path, pursat_real_scenario, line, vehicles):
    text = pursat_real_scenario.read_text().replace("volunteer_women = 4", f"volunteer_women = 4\n{line}")
    c = load_campaign(write_scenario(tmp_path / "v", text))
    assert [v.id for v in c.vehicles] == vehicles
