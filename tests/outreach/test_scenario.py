import networkx as nx
import pytest
from shapely.geometry import Point

from outreach.errors import ScenarioError
from outreach.scenario import load_campaign
from tests.conftest import write_scenario


def test_demo_geography(demo_campaign):
    g = demo_campaign.geography
    assert (len(g.districts), len(g.sangkats), len(g.villages)) == (3, 16, 155)
    assert g.households == 12262 + 8411 + 9104
    assert g.synthetic_positions
    for v in g.villages:  # every synthetic village lies in its own synthetic sangkat
        assert g.sangkat_by_code[v.sangkat_code].boundary.contains(Point(v.lon, v.lat))
    assert len(demo_campaign.volunteers) == 35
    assert sum(v.sex == "F" for v in demo_campaign.volunteers) == 14
    assert len(demo_campaign.vehicles) == 3


def test_demo_layout_is_deterministic(demo_campaign):
    from outreach.scenario import load_campaign as again
    from tests.conftest import ROOT

    other = again(ROOT / "scenarios" / "demo.toml")
    assert [(v.code, v.lon, v.lat, v.households) for v in other.geography.villages] == \
           [(v.code, v.lon, v.lat, v.households) for v in demo_campaign.geography.villages]


def test_proxy_network_is_connected_and_metric(demo_campaign):
    roads = demo_campaign.roads
    assert roads.kind == "proxy" and nx.is_connected(roads.graph)
    u, v, d = next(iter(roads.graph.edges(data=True)))
    a, b = roads.graph.nodes[u], roads.graph.nodes[v]
    straight = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
    assert d["length_m"] == pytest.approx(straight * 1.3)
    assert set(roads.village_node) == set(demo_campaign.geography.village_by_code)


def test_holidays_in_calendar(demo_campaign):
    import datetime as dt

    assert dt.date(2027, 1, 7) in demo_campaign.calendar.holidays  # Victory over Genocide Day
    assert dt.date(2027, 1, 7) not in demo_campaign.calendar.working_days()


def test_real_pursat_points(pursat_real_scenario):
    c = load_campaign(pursat_real_scenario)
    g = c.geography
    assert len(g.villages) == 66 and g.households == 12262 and len(g.sangkats) == 7
    assert all(s.boundary is not None for s in g.sangkats)
    assert not g.synthetic_positions
    assert any("15050110" in n for n in c.notes)  # villages without points are reported


@pytest.mark.parametrize(
    "patch, field",
    [
        ('weeks = 4', 'weeks = 0'),
        ('limit_usd = 3000', 'limit_usd = -1'),
        ('districts = ["1505"]', 'districts = ["9999"]'),
        ('[budget]', '[budget]\nbogus = 1'),
    ],
)
def test_bad_settings(tmp_path, pursat_real_scenario, patch, field):
    text = pursat_real_scenario.read_text().replace(patch, field)
    p = write_scenario(tmp_path / "bad", text)
    with pytest.raises(ScenarioError) as e:
        load_campaign(p)
    assert str(p) in str(e.value)


def test_unknown_parameter_and_out_of_range(tmp_path, pursat_real_scenario):
    base = pursat_real_scenario.read_text()
    p = write_scenario(tmp_path / "a", base + '\n[parameters]\n"loudspeaker.broadcast_speed_kmh" = 90\n')
    with pytest.raises(ScenarioError, match="outside the documented range"):
        load_campaign(p)
    p = write_scenario(tmp_path / "b", base + '\n[parameters]\n"no.such" = 1\n')
    with pytest.raises(ScenarioError, match="unknown parameter"):
        load_campaign(p)
