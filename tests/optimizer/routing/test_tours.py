"""Campaign binding: multi-day loudspeaker tours on a hand-made road graph."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import networkx as nx
import pytest

from optimizer.routing import AFTERNOON, MARKET, MORNING, plan_tours, village_prize
from outreach.errors import RoutingError
from outreach.model import (
    Calendar,
    Campaign,
    District,
    Geography,
    Province,
    RoadNetwork,
    Sangkat,
    Targets,
    Vehicle,
    Village,
)
from outreach.parameters import resolve

X0, Y0 = 500_000.0, 1_400_000.0
SPEED = 25 / 3.6


def make_campaign(households: int = 400, params: dict | None = None, weeks: int = 2,
                  vehicles: bool = True) -> Campaign:
    """Two sangkats of four villages each on a small grid, plus one cut-off village."""
    g = nx.Graph()
    g.add_node("D", x=X0, y=Y0)
    villages = []
    spots = {"010101": [(1, 0), (2, 0), (2, 1), (1, 1)], "010102": [(-1, 0), (-2, 0), (-2, -1), (-1, -1)]}
    for sk, cells in spots.items():
        for i, (cx, cy) in enumerate(cells):
            code = f"{sk}{i + 1:02d}"
            g.add_node(code, x=X0 + 2000 * cx, y=Y0 + 2000 * cy)
            villages.append(Village(code, f"Village {code}", f"ភូមិ {code}", sk, "0101", "01", 104.8, 12.6,
                                    X0 + 2000 * cx, Y0 + 2000 * cy, households + 100 * i,
                                    market=(code == "01010204")))
    # roads: a chain per sangkat joined at the depot, with a one-way-free layout
    for a, b in [("D", "01010101"), ("01010101", "01010102"), ("01010102", "01010103"),
                 ("01010103", "01010104"), ("01010104", "D"), ("D", "01010201"), ("01010201", "01010202"),
                 ("01010202", "01010203"), ("01010203", "01010204"), ("01010204", "D")]:
        ax, ay, bx, by = g.nodes[a]["x"], g.nodes[a]["y"], g.nodes[b]["x"], g.nodes[b]["y"]
        length = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 * 1.2
        g.add_edge(a, b, length_m=length, travel_s=length / SPEED)
    g.add_node("Z", x=X0 + 9000, y=Y0)  # no road to it
    villages.append(Village("01010105", "Cut off", "ភូមិដាច់", "010101", "0101", "01", 104.9, 12.6,
                            X0 + 9000, Y0, 300))
    geo = Geography(
        provinces=(Province("01", "Prov", "ខេត្ត"),),
        districts=(District("0101", "Dist", "ស្រុក", "01"),),
        sangkats=(Sangkat("010101", "SK one", "ឃុំ ១", "0101"), Sangkat("010102", "SK two", "ឃុំ ២", "0101")),
        villages=tuple(villages),
    )
    vnode = {v.code: v.code for v in villages}
    vnode["01010105"] = "Z"
    roads = RoadNetwork(g, vnode, {"T1": "D"}, "proxy")
    veh = (Vehicle("T1", "0101", "OWSO office", 104.85, 12.6, X0, Y0),) if vehicles else ()
    cal = Calendar(dt.date(2026, 1, 5), weeks, holidays={dt.date(2026, 1, 7): "test holiday"})
    return Campaign("test", 7, geo, roads, cal, (), veh, {}, 0.0, Targets(), resolve(params or {}))


def _in_window(stop, market: bool) -> bool:
    wins = [MARKET] if market else [MORNING, AFTERNOON]
    return any(a - 1e-6 <= stop.arrive_s and stop.leave_s <= b + 1e-6 for a, b in wins)


@pytest.fixture(scope="module")
def tours_and_campaign():
    c = make_campaign()
    return plan_tours(c, time_limit_s=2), c


def test_passes_on_distinct_days_and_windows(tours_and_campaign):
    tours, c = tours_and_campaign
    vb = c.geography.village_by_code
    passes = tours.passes_by_sangkat(c.geography)
    assert passes == {"010101": 2, "010102": 2}
    for v in c.geography.villages:
        dates = [vd.date for vd in tours.days if any(s.village_code == v.code for s in vd.stops)]
        assert len(dates) == len(set(dates)), "a village hears its two passes on distinct days"
    for vd in tours.days:
        assert vd.date.weekday() < 6 and vd.date != dt.date(2026, 1, 7)
        assert vd.km > 0 and vd.fuel_l == pytest.approx(vd.km * 0.04, rel=1e-2)
        for s in vd.stops:
            assert _in_window(s, vb[s.village_code].market)
        times = [p[2] for p in vd.path]
        assert all(b > a for a, b in zip(times, times[1:]))
        assert len(vd.broadcast) == len(vd.path) and any(vd.broadcast)
        assert all(100 < lon < 110 and 5 < lat < 20 for lon, lat, _ in vd.path)
    # every reachable village is heard twice
    heard = {}
    for vd in tours.days:
        for s in vd.stops:
            heard[s.village_code] = heard.get(s.village_code, 0) + 1
    assert all(heard[v.code] == 2 for v in c.geography.villages if v.code != "01010105")


def test_unreachable_village_reported(tours_and_campaign):
    tours, _ = tours_and_campaign
    assert any(d.village_code == "01010105" and "unreachable" in d.reason for d in tours.dropped)


def test_too_few_days_drop_lowest_priority_with_reason():
    c = make_campaign(households=10_000, params={"loudspeaker.shift_hours": 3})
    prizes = {v.code: float(i + 1) for i, v in enumerate(c.geography.villages)}
    tours = plan_tours(c, prizes=prizes, max_days=1, time_limit_s=2)
    assert len(tours.days) == 1
    causes = {d.cause for d in tours.dropped}
    assert "budget" in causes, "one vehicle-day bought: the budget is what leaves passes out"
    kept = {s.village_code for s in tours.days[0].stops}
    fit_dropped = {d.village_code for d in tours.dropped if "did not fit" in d.reason}
    assert fit_dropped, "the 3-hour shift cannot hold eight long broadcasts"
    assert max(prizes[v] for v in fit_dropped) < min(prizes[v] for v in kept)


def test_nearest_neighbour_baseline_same_interface():
    c = make_campaign()
    tours = plan_tours(c, time_limit_s=1, engine="nearest")
    assert tours.passes_by_sangkat(c.geography) == {"010101": 2, "010102": 2}


def test_bad_inputs_name_the_setting():
    with pytest.raises(RoutingError, match="no loudspeaker vehicle"):
        plan_tours(make_campaign(vehicles=False))
    with pytest.raises(RoutingError, match="max_days"):
        plan_tours(make_campaign(), max_days=0)
    c = make_campaign()
    off = RoadNetwork(c.roads.graph, c.roads.village_node, {"T1": "nowhere"}, "proxy")
    with pytest.raises(RoutingError, match="T1"):
        plan_tours(replace(c, roads=off))
    cal = Calendar(dt.date(2026, 1, 5), 1, blackout=frozenset(dt.date(2026, 1, 5) + dt.timedelta(i) for i in range(7)))
    with pytest.raises(RoutingError, match="no working day"):
        plan_tours(replace(c, calendar=cal))


def test_route_sheets_written(tours_and_campaign, tmp_path):
    from outreach.routesheets import write_route_sheets

    tours, c = tours_and_campaign
    paths = write_route_sheets(c, tours, tmp_path)
    assert len(paths) == 2 * len(tours.days) + 2  # a sheet and its Telegram text per day
    sheet = paths[0].read_text(encoding="utf-8")
    assert "ភូមិ" in sheet and "30 s, played in a loop" in sheet and "http" not in sheet
    rows = (tmp_path / "routes.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + sum(len(d.stops) for d in tours.days)
    assert "unreachable" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_village_prize_falls_back_to_households():
    c = make_campaign()
    v = c.geography.villages[0]
    assert village_prize(v, {v.code: 2.5}) == 2.5
    assert village_prize(v, None) == village_prize(v, {}) == village_prize(v, {"other": 9.0}) == float(v.households)
    assert village_prize(replace(v, households=0), None) == 1.0


def test_workers_give_the_same_tours():
    """The vehicle-days solved on two processes give the tours solved in place, repair days included."""
    c = make_campaign(households=10_000, params={"loudspeaker.shift_hours": 3})
    alone = plan_tours(c, time_limit_s=2)
    assert len(alone.days) > 2, "over-full days were repaired on days of their own"
    assert plan_tours(c, time_limit_s=2, workers=2) == alone
