"""One working day in the field, and the true reason for every pass left out.

The binding reason of a left-out pass is the limit whose relaxation alone
lets it fit; each test provokes one reason, checks it is named, and checks
that relaxing that limit (and only that one) brings the pass back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import networkx as nx
import pytest

from optimizer.routing import AFTERNOON, MORNING, plan_tours
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


def far_campaign(far_km: float = 30.0, households: int = 120, params: dict | None = None,
                 weeks: int = 1, n_far: int = 3, far_market: bool = False) -> Campaign:
    """One district: a near sangkat by the base, and a far one ``far_km`` away with ``n_far`` villages."""
    g = nx.Graph()
    g.add_node("D", x=X0, y=Y0)
    far = [(far_km, 0.0), (far_km + 0.6, 0.4), (far_km + 0.3, -0.6), (far_km + 1.2, 0.0), (far_km + 1.5, 0.8),
           (far_km + 0.9, -1.2)]
    spots = {"010101": [(1.0, 0.0), (1.5, 0.5)], "010102": far[:n_far]}
    villages = []
    for sk, cells in spots.items():
        prev = "D"
        for i, (kx, ky) in enumerate(cells):
            code = f"{sk}{i + 1:02d}"
            x, y = X0 + 1000 * kx, Y0 + 1000 * ky
            g.add_node(code, x=x, y=y)
            villages.append(Village(code, f"Village {code}", f"ភូមិ {code}", sk, "0101", "01", 104.8, 12.6, x, y,
                                    households, market=far_market and sk == "010102"))
            length = ((g.nodes[prev]["x"] - x) ** 2 + (g.nodes[prev]["y"] - y) ** 2) ** 0.5 * 1.2
            g.add_edge(prev, code, length_m=length, travel_s=length / SPEED)
            prev = code
    geo = Geography(
        provinces=(Province("01", "Prov", "ខេត្ត"),),
        districts=(District("0101", "Dist", "ស្រុក", "01"),),
        sangkats=(Sangkat("010101", "Near", "ជិត", "0101"), Sangkat("010102", "Far", "ឆ្ងាយ", "0101")),
        villages=tuple(villages),
    )
    roads = RoadNetwork(g, {v.code: v.code for v in villages}, {"T1": "D"}, "proxy")
    veh = (Vehicle("T1", "0101", "OWSO office", 104.85, 12.6, X0, Y0),)
    cal = Calendar(dt.date(2026, 1, 5), weeks)
    return Campaign("far", 7, geo, roads, cal, (), veh, {}, 0.0, Targets(loudspeaker_passes_per_sangkat=1),
                    resolve(params or {}))


def _far_day(tours):
    return next(vd for vd in tours.days if any(s.village_code.startswith("010102") for s in vd.stops))


def test_a_far_sangkat_is_worked_morning_and_afternoon_without_going_back_at_noon():
    # five villages of about 40 minutes each 15 km out: more than the morning window holds
    c = far_campaign(far_km=15.0, households=300, n_far=5)
    tours = plan_tours(c, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=2)
    assert not tours.dropped, tours.dropped
    assert len(tours.days) == 1
    vd = _far_day(tours)
    mornings = [s for s in vd.stops if MORNING[0] - 1e-6 <= s.arrive_s and s.leave_s <= MORNING[1] + 1e-6]
    afternoons = [s for s in vd.stops if AFTERNOON[0] - 1e-6 <= s.arrive_s and s.leave_s <= AFTERNOON[1] + 1e-6]
    assert mornings and afternoons and len(mornings) + len(afternoons) == len(vd.stops)
    # the vehicle never comes back to the base between the first and the last village
    depot_xy = (c.roads.graph.nodes["D"]["x"], c.roads.graph.nodes["D"]["y"])
    from pyproj import Transformer

    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    first, last = vd.stops[0].arrive_s, vd.stops[-1].leave_s
    for lon, lat, t in vd.path:
        if first < t < last:
            x, y = to_utm.transform(lon, lat)
            assert (x - depot_xy[0]) ** 2 + (y - depot_xy[1]) ** 2 > 12_000.0 ** 2
    # the pause between the windows is spent where the vehicle is, and printed
    pause = max(s.wait_s for s in vd.stops)
    assert pause >= AFTERNOON[0] - MORNING[1] - 3600
    for s in vd.stops:
        assert s.broadcast is not None and s.broadcast.message_s == 30 and s.broadcast.metres > 0


def test_route_sheet_shows_pause_settings_and_in_out_times(tmp_path):
    from outreach.routesheets import hhmm, speed_kmh, write_route_sheets

    c = far_campaign(far_km=15.0, households=300, n_far=5)
    tours = plan_tours(c, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=2)
    write_route_sheets(c, tours, tmp_path)
    vd = _far_day(tours)
    sheet = next(tmp_path.glob(f"route_*_{vd.date.isoformat()}.html")).read_text(encoding="utf-8")
    assert "Pause" in sheet
    s = vd.stops[0]
    assert hhmm(s.arrive_s) in sheet and hhmm(s.leave_s) in sheet
    assert f"{speed_kmh(s.broadcast.speed_kmh)} km/h" in sheet


def _dropped(tours, prefix="010102"):
    return [d for d in tours.dropped if d.village_code.startswith(prefix)]


def test_distance_is_named_when_a_village_is_too_far_for_one_day():
    # 130 km of straight line (156 km of road, 6.2 h each way at 25 km/h): no 12 h day holds the round trip
    c = far_campaign(far_km=130.0, n_far=1)
    tours = plan_tours(c, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=1)
    assert {d.cause for d in _dropped(tours)} == {"distance"}
    assert "too far from the base" in _dropped(tours)[0].reason
    # the same village 30 km out is served
    assert not _dropped(plan_tours(far_campaign(far_km=30.0, n_far=1), passes_by_sangkat={"010101": 0, "010102": 1},
                                   time_limit_s=1))


def test_shift_length_is_named_and_more_on_road_hours_restore_the_pass():
    # 60 km each way (5.8 h of driving) fits a 12 h day but not 3 on-road hours
    c = far_campaign(far_km=60.0, params={"loudspeaker.shift_hours": 3})
    tours = plan_tours(c, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=1)
    assert {d.cause for d in _dropped(tours)} == {"shift_length"}
    relaxed = replace(c, params={**c.params, "loudspeaker.shift_hours": 9})
    assert not _dropped(plan_tours(relaxed, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=1))


def test_broadcast_windows_are_named_when_only_the_window_is_missed():
    # A market village (window 06:00-09:00) 73 km out: 3.5 h of road from a 05:00 start, so it arrives
    # after 08:30 and its 20-minute broadcast overruns 09:00. With 9 on-road hours, the round trip and
    # broadcast fit the day: the window alone keeps it out.
    c = far_campaign(far_km=73.0, n_far=1, far_market=True, params={"loudspeaker.shift_hours": 9})
    tours = plan_tours(c, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=1)
    assert {d.cause for d in _dropped(tours)} == {"broadcast_windows"}
    # the same village outside market hours (morning and afternoon windows) is served
    plain = far_campaign(far_km=73.0, n_far=1, far_market=False, params={"loudspeaker.shift_hours": 9})
    assert not _dropped(plan_tours(plain, passes_by_sangkat={"010101": 0, "010102": 1}, time_limit_s=1))


@pytest.mark.parametrize("cap, cause", [(1, "budget")])
def test_budget_is_named_when_more_days_exist_but_are_not_bought(cap, cause):
    c = far_campaign(far_km=3.0, households=900, weeks=2)
    full = plan_tours(c, passes_by_sangkat={"010101": 2, "010102": 2}, time_limit_s=1)
    assert len(full.days) >= 2 and not full.dropped
    tours = plan_tours(c, passes_by_sangkat={"010101": 2, "010102": 2}, max_days=cap, time_limit_s=1)
    assert cause in {d.cause for d in tours.dropped}
    # relaxing the budget alone restores the passes
    assert not plan_tours(c, passes_by_sangkat={"010101": 2, "010102": 2}, max_days=len(full.days),
                          time_limit_s=1).dropped


def test_vehicle_days_are_named_when_the_calendar_has_no_other_day():
    # three passes on distinct days in a calendar of two working days (a week, all but two blacked out)
    c = far_campaign(far_km=3.0)
    cal = Calendar(dt.date(2026, 1, 5), 1, blackout=frozenset(dt.date(2026, 1, 5) + dt.timedelta(i)
                                                              for i in range(2, 7)))
    c = replace(c, calendar=cal)
    tours = plan_tours(c, passes_by_sangkat={"010101": 0, "010102": 3}, time_limit_s=1)
    assert {d.cause for d in _dropped(tours)} == {"vehicle_days"}
    longer = replace(c, calendar=Calendar(dt.date(2026, 1, 5), 1))
    assert not _dropped(plan_tours(longer, passes_by_sangkat={"010101": 0, "010102": 3}, time_limit_s=1))
