"""Scenario files (``scenario.toml``): schema, validation and building a Campaign.

A scenario file names the districts, where the tables are (paths are relative
to the scenario file), the calendar, resources, budget, targets and parameter
overrides. See ``scenarios/demo.toml`` for a complete, commented example.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np

from . import gazetteer
from .calendar import make_calendar
from .errors import GeographyError, ScenarioError
from .gazetteer import DistrictListing, GazetteerVillage
from .geo import district_reach_m, in_cambodia, to_utm
from .io import load_cost_overrides, load_sangkat_boundaries, load_villages, load_volunteers
from .model import (
    Campaign,
    CostItem,
    Geography,
    RoadNetwork,
    Sangkat,
    Sex,
    Slot,
    SurveySettings,
    Targets,
    Vehicle,
    Village,
    Volunteer,
)
from .parameters import COSTS, resolve
from .roads import load_osm, proxy_network, snap
from .rules import on_team
from .scenariofile import PASSES_KEY, GeographySection, ScenarioFile, VehicleSection, read_scenario
from .synthetic import TOWN_CENTRES, layout_district


def _rel(base: Path, name: str | None) -> Path | None:
    if not name:
        return None
    p = Path(name)
    return p if p.is_absolute() else (base / p)


_SYNTHETIC_NOTE = ("Village positions are SYNTHETIC (a deterministic layout around the real town centres); "
                   "codes and names are official, household totals are published census figures.")


def _synthetic_rows(g: GeographySection, listings: list[DistrictListing],
                    file: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Village rows and sangkat cells of the synthetic layout (see :mod:`outreach.synthetic`)."""
    rows: list[dict[str, Any]] = []
    boundaries: dict[str, Any] = {}
    for lst in listings:
        total = g.synthetic_households.get(lst.district.code)
        if total is None:
            raise ScenarioError(f"synthetic layout needs a household total for district {lst.district.code}",
                                file=file, field="geography.synthetic_households")
        placed, cells = layout_district(lst, int(round(total * g.household_growth)))
        rows += [r | {"position_source": "synthetic", "population": 0, "women": 0, "men": 0} for r in placed]
        boundaries |= cells
    return rows, boundaries


def _file_rows(sf: ScenarioFile, base: Path, file: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Village rows of the scenario's villages table, and the notes the loader made."""
    g = sf.geography
    vpath = _rel(base, g.villages)
    if vpath is None:
        raise ScenarioError("geography.villages is required (or layout = \"synthetic\")", file=file,
                            field="geography.villages")
    vrows, vnotes = load_villages(vpath, districts=sf.scenario.districts, skip_incomplete=g.skip_incomplete)
    rows = [{"code": vr.code, "lon": vr.lon, "lat": vr.lat,
             "households": int(round(vr.households * g.household_growth)),
             "population": vr.population, "women": vr.women, "men": vr.men, "setting": vr.setting,
             "market": vr.market, "position_source": "user", "row": vr.row}
            for vr in vrows]
    _refuse_far_villages(rows, str(vpath))
    return rows, list(vnotes)


def _refuse_far_villages(rows: list[dict[str, Any]], file: str) -> None:
    """Refuse a village placed far from the rest of its district (a slip of the coordinates, another province)."""
    xs, ys = to_utm(np.array([r["lon"] for r in rows]), np.array([r["lat"] for r in rows]))
    district = np.array([r["code"][:4] for r in rows])
    for code in sorted(set(district)):
        idx = np.flatnonzero(district == code)
        mx, my, limit = district_reach_m(xs[idx], ys[idx])
        dist = np.hypot(xs[idx] - mx, ys[idx] - my)
        worst = int(np.argmax(dist))
        if dist[worst] > limit:
            r = rows[idx[worst]]
            raise GeographyError(f"village {r['code']} lies {dist[worst] / 1000:.0f} km from the middle of district "
                                 f"{code}'s other villages (at most {limit / 1000:.0f} km expected): check its lat "
                                 "and lon", file=file, row=r["row"], field="lat")


def _refuse_far_depot(lon: float, lat: float, villages: list[Village], file: str, field: str) -> None:
    """Refuse a depot far from the villages of its district (see :func:`outreach.geo.district_reach_m`)."""
    if not villages:
        return
    x, y = to_utm(lon, lat)
    mx, my, limit = district_reach_m([v.x_m for v in villages], [v.y_m for v in villages])
    far = float(np.hypot(x - mx, y - my))
    if far > limit:
        raise ScenarioError(f"depot ({lat}, {lon}) lies {far / 1000:.0f} km from the middle of its district's "
                            f"villages (at most {limit / 1000:.0f} km expected)", file=file, field=field)


def _official_village(code: str) -> GazetteerVillage:
    gv = gazetteer.village(code)
    # Both the villages loader and the synthetic layout only yield codes of the official lists.
    assert gv is not None, code
    return gv


def _sangkats(listings: list[DistrictListing], rows: list[dict[str, Any]],
              boundaries: Mapping[str, Any]) -> dict[str, Sangkat]:
    """The listed sangkats that hold at least one village, with their boundary when known."""
    used = {_official_village(r["code"]).sangkat_code for r in rows}
    sangkats: dict[str, Sangkat] = {}
    for lst in listings:
        for s in lst.sangkats:
            if s.code in used:
                sangkats[s.code] = Sangkat(s.code, s.name_en, s.name_kh, s.district_code, boundaries.get(s.code))
    return sangkats


def _villages(rows: list[dict[str, Any]]) -> list[Village]:
    """Village records in code order: official codes and names, projected positions."""
    xs, ys = to_utm(np.array([r["lon"] for r in rows]), np.array([r["lat"] for r in rows]))
    villages = []
    for r, x, y in zip(rows, xs, ys):
        gv = _official_village(r["code"])
        villages.append(Village(
            code=gv.code, name_en=gv.name_en, name_kh=gv.name_kh, sangkat_code=gv.sangkat_code,
            district_code=gv.district_code, province_code=gv.province_code, lon=r["lon"], lat=r["lat"],
            x_m=float(x), y_m=float(y), households=int(r["households"]), population=int(r["population"]),
            women=int(r["women"]), men=int(r["men"]), setting=r["setting"], position_source=r["position_source"],
            market=bool(r["market"]),
        ))
    villages.sort(key=lambda v: v.code)
    return villages


def _geography(sf: ScenarioFile, base: Path, file: str) -> tuple[Geography, list[str]]:
    listings = [gazetteer.district_listing(d) for d in sf.scenario.districts]
    g = sf.geography
    boundaries: dict[str, Any]
    if g.layout == "synthetic":
        rows, boundaries = _synthetic_rows(g, listings, file)
        notes = [_SYNTHETIC_NOTE]
    else:
        rows, notes = _file_rows(sf, base, file)
        boundaries = {}
    spath = _rel(base, g.sangkats)
    if spath is not None:
        boundaries = load_sangkat_boundaries(spath, districts=sf.scenario.districts)
    provinces = {lst.province.code: lst.province for lst in listings}
    sangkats = _sangkats(listings, rows, boundaries)
    geo = Geography(
        provinces=tuple(provinces[k] for k in sorted(provinces)),
        districts=tuple(sorted((lst.district for lst in listings), key=lambda d: d.code)),
        sangkats=tuple(sangkats[k] for k in sorted(sangkats)),
        villages=tuple(_villages(rows)),
        synthetic_positions=g.layout == "synthetic",
    )
    return geo, notes


def _vehicles(sf: ScenarioFile, geo: Geography, file: str) -> tuple[Vehicle, ...]:
    # Left out, the section means the usual one tuk-tuk per district; an explicit empty list means none.
    specs = sf.resources.vehicles
    if specs is None:
        specs = [VehicleSection(district=d) for d in sf.scenario.districts]
    out = []
    for i, spec in enumerate(specs):
        dcode = gazetteer.normalize_district_code(spec.district)
        if dcode not in geo.district_by_code:
            raise ScenarioError(f"vehicle district {dcode} is not one of the scenario's districts", file=file,
                                field=f"resources.vehicles.{i}.district")
        if spec.lat is not None and spec.lon is not None:
            lon, lat = spec.lon, spec.lat
            if not in_cambodia(lon, lat):
                raise ScenarioError(f"depot ({lat}, {lon}) is outside Cambodia", file=file,
                                    field=f"resources.vehicles.{i}.lat")
            _refuse_far_depot(lon, lat, [v for v in geo.villages if v.district_code == dcode], file,
                              f"resources.vehicles.{i}.lat")
        elif dcode in TOWN_CENTRES:
            lon, lat = TOWN_CENTRES[dcode]
        else:
            # No depot given: the household-weighted centre of the district's villages (the OWSO is in town).
            vs = [v for v in geo.villages if v.district_code == dcode]
            w = np.array([v.households for v in vs], dtype=float)
            lon = float(np.average([v.lon for v in vs], weights=w))
            lat = float(np.average([v.lat for v in vs], weights=w))
        x, y = to_utm(lon, lat)
        name = spec.depot or f"{geo.district_by_code[dcode].name_en} OWSO"
        for k in range(spec.count):
            vid = f"tuktuk-{dcode}" + (f"-{k + 1}" if spec.count > 1 else "")
            out.append(Vehicle(vid, dcode, name, float(lon), float(lat), float(x), float(y),
                               depot_given=spec.lat is not None and spec.lon is not None))
    return tuple(out)


def default_volunteers(geo: Geography, count: int, women: int) -> tuple[Volunteer, ...]:
    """Generate placeholder volunteers spread over villages by household weight.

    Availability: weekday afternoons (after school) and evenings, Saturday and
    Sunday mornings and afternoons; 2 or 3 outings a week alternately — the seed
    project's youth went out "two to three times per week".
    """
    if count == 0:
        return ()
    vs = sorted(geo.villages, key=lambda v: -v.households)
    weekday_slots: tuple[Slot, ...] = ("afternoon", "evening")
    weekend_slots: tuple[Slot, ...] = ("morning", "afternoon")
    avail = frozenset({(d, s) for d in range(5) for s in weekday_slots}
                      | {(d, s) for d in (5, 6) for s in weekend_slots})
    out = []
    for i in range(count):
        sex: Sex = "F" if i * women // max(count, 1) != (i + 1) * women // max(count, 1) else "M"
        home = vs[i % len(vs)].code
        out.append(Volunteer(f"V{i + 1:02d}", f"Volunteer {i + 1:02d}", sex, home, avail, 2 + (i % 2)))
    return tuple(out)


def _costs(sf: ScenarioFile, base: Path) -> dict[str, CostItem]:
    overrides = {}
    cpath = _rel(base, sf.budget.costs)
    if cpath is not None:
        overrides = load_cost_overrides(cpath, known=COSTS)
    out = {}
    for key, c in COSTS.items():
        o = overrides.get(key, {})
        out[key] = CostItem(key, o.get("label", c.label), o.get("unit", c.unit), float(o.get("usd", c.usd)),
                            o.get("channel", c.channel), o.get("source", c.source) if key in overrides and "source" in o
                            else (f"costs.csv (default: {c.source})" if key in overrides else c.source))
    return out


def _roads(sf: ScenarioFile, base: Path, geo: Geography, vehicles: tuple[Vehicle, ...], params: dict[str, float],
           file: str) -> RoadNetwork:
    points = {v.code: (v.x_m, v.y_m) for v in geo.villages}
    depots = {f"depot:{veh.id}": (veh.depot_x_m, veh.depot_y_m) for veh in vehicles}
    rpath = _rel(base, sf.geography.roads)
    if rpath is None:
        graph = proxy_network(points | depots, params)
        return RoadNetwork(graph, {k: k for k in points}, {veh.id: f"depot:{veh.id}" for veh in vehicles}, "proxy",
                           params["travel.circuity_factor"],
                           "proxy: Delaunay + k-nearest graph, straight line x circuity factor")
    graph = load_osm(rpath, params)
    vnode = snap(graph, points, file=str(rpath))
    dnode = snap(graph, {veh.id: (veh.depot_x_m, veh.depot_y_m) for veh in vehicles}, file=str(rpath))
    return RoadNetwork(graph, vnode, dnode, "osm", 1.0, f"OpenStreetMap file {rpath.name}")


def load_campaign(path: str | Path) -> Campaign:
    """Load a scenario file and every table it names into a :class:`Campaign`.

    Parameters
    ----------
    path : path
        A ``scenario.toml``.

    Raises
    ------
    InputError
        For any invalid file, row or setting (the message names it).
    """
    path = Path(path).resolve()
    file = str(path)
    sf = read_scenario(path)
    base = path.parent
    params = resolve(sf.parameters, file=file)
    geo, notes = _geography(sf, base, file)
    vehicles = _vehicles(sf, geo, file)
    vpath = _rel(base, sf.resources.volunteers)
    calendar = make_calendar(sf.calendar.start, sf.calendar.weeks, sf.calendar.blackout)
    if not calendar.working_days():
        raise ScenarioError("every day of the campaign is a holiday or a blackout date", file=file,
                            field="calendar.blackout")
    if vpath is not None:
        volunteers = load_volunteers(vpath, village_codes=geo.village_by_code)
        if not any(on_team([v], d) for v in volunteers for d in calendar.working_days()):
            raise ScenarioError(f"no volunteer's first_date to last_date meets a working day of the campaign "
                                f"({sf.calendar.start}, {sf.calendar.weeks} weeks): nobody could go out",
                                file=str(vpath), field="first_date")
    else:
        volunteers = default_volunteers(geo, sf.resources.volunteer_count, sf.resources.volunteer_women)
    for code in sf.targets.min_awareness_by_sangkat:
        if code not in geo.sangkat_by_code:
            raise ScenarioError(f"sangkat {code} is not in the scenario", file=file,
                                field=f"targets.min_awareness_by_sangkat.{code}")
    roads = _roads(sf, base, geo, vehicles, params, file)
    t = sf.targets
    return Campaign(
        name=sf.scenario.name,
        seed=sf.scenario.seed,
        geography=geo,
        roads=roads,
        calendar=calendar,
        volunteers=volunteers,
        vehicles=vehicles,
        costs=_costs(sf, base),
        budget_usd=sf.budget.limit_usd,
        targets=Targets(_pass_target(sf, params, file), t.min_awareness, dict(t.min_awareness_by_sangkat),
                        t.min_women_reached_share, t.forums_per_sangkat),
        params=params,
        door_rounds=sf.plan.door_rounds,
        usd_to_khr=sf.budget.usd_to_khr,
        source_file=file,
        notes=tuple(notes),
        survey=_survey_settings(sf, base),
        season=sf.calendar.season,
        channels=_channel_caps(sf, file),
    )


def _channel_caps(sf: ScenarioFile, file: str) -> dict[str, int]:
    """``[channels]`` caps by channel name (:data:`outreach.media.MEDIA`); weeks no more than the campaign's."""
    c = sf.channels
    for name, n in (("social_media_weeks", c.social_media_weeks), ("radio_weeks", c.radio_weeks)):
        if n is not None and n > sf.calendar.weeks:
            raise ScenarioError(f"{n} weeks is more than the campaign's {sf.calendar.weeks}", file=file,
                                field=f"channels.{name}")
    given = {"social_media": c.social_media_weeks, "radio": c.radio_weeks, "partner_ngo": c.ngo_meetings,
             "village_chief": None if c.village_chiefs else 0, "group_event": c.group_events}
    return {k: int(v) for k, v in given.items() if v is not None}


def _pass_target(sf: ScenarioFile, params: Mapping[str, float], file: str) -> int:
    """Loudspeaker passes per sangkat, from ``[targets]`` or ``loudspeaker.passes_per_sangkat``.

    Both may be given only when they agree: two different counts would leave
    one of them silently ignored.
    """
    value = params[PASSES_KEY]
    if not float(value).is_integer():
        raise ScenarioError(f"{value} passes is not a whole number", file=file, field=f"parameters.{PASSES_KEY}")
    given = sf.targets.loudspeaker_passes_per_sangkat
    if given is None:
        return int(value)
    if PASSES_KEY in sf.parameters and given != int(value):
        raise ScenarioError(f"[targets] asks for {given} passes per sangkat but [parameters] for {int(value)}; "
                            "give one", file=file, field="targets.loudspeaker_passes_per_sangkat")
    return given


def _survey_settings(sf: ScenarioFile, base: Path) -> SurveySettings:
    s = sf.survey
    return SurveySettings(file=str(_rel(base, s.file)) if s.file else None,
                          synthetic_respondents=s.synthetic_respondents, columns=dict(s.columns),
                          target_awareness=s.target_awareness, weights=dict(s.weights))


__all__ = ["ScenarioFile", "read_scenario", "load_campaign", "default_volunteers"]
