"""``outreach init``: a ready-to-fill scenario folder for any district(s)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import gazetteer
from .atomic import atomic_dir
from .errors import InputError
from .geo import in_cambodia
from .parameters import COSTS, USD_TO_KHR

_VILLAGE_COLUMNS = ["village_code", "sangkat_code", "sangkat_name_en", "sangkat_name_kh", "village_name_en",
                    "village_name_kh", "lat", "lon", "households", "population", "women", "men", "setting", "market"]
_VOLUNTEER_COLUMNS = ["id", "name", "sex", "home_village", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
                      "outings_per_week", "first_date", "last_date", "phone", "fixed_pair"]


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return "\ufeff" + buf.getvalue()  # BOM so Excel opens Khmer names correctly


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def _vehicle_line(code: str, name: str, depot: tuple[float, float] | None) -> str:
    if depot is None:
        return (f'  {{ district = "{code}", depot = "{name} OWSO" }},  '
                "# add lat = .., lon = .. (the OWSO); until then the district's centre stands in")
    return f'  {{ district = "{code}", depot = "{name} OWSO", lat = {depot[0]:.6f}, lon = {depot[1]:.6f} }},'


def scenario_toml(district_codes: list[str], names: list[str], start: dt.date,
                  depots: Mapping[str, tuple[float, float]] | None = None) -> str:
    """The commented ``scenario.toml`` written by ``init``; ``depots`` gives OWSO positions (lat, lon) by district."""
    codes = ", ".join(f'"{c}"' for c in district_codes)
    vehicles = "\n".join(_vehicle_line(c, n, (depots or {}).get(c)) for c, n in zip(district_codes, names))
    return f"""# Scenario written by `outreach init`. Paths are relative to this file.
# Fill villages.csv (lat, lon, households) and volunteers.csv, then run:
#   outreach plan scenario.toml --out plan

[scenario]
name = "{' + '.join(names)} awareness campaign"
districts = [{codes}]
seed = 201212

[geography]
villages = "villages.csv"          # CSV/XLSX with lat, lon, households; or GeoJSON/GPKG/SHP points
# sangkats = "sangkats.geojson"    # optional sangkat polygons with a commune_code attribute
# roads = "roads.osm"              # optional OpenStreetMap export; without it a proxy network is used
skip_incomplete = false            # true: leave out villages whose lat, lon and households are all empty

[calendar]
start = {start.isoformat()}            # first day of the campaign
weeks = 12
blackout = []                      # extra days without outreach, e.g. [2027-02-10]
season = "dry"                     # "wet" (May-October): roads slower for the loudspeaker tuk-tuk

[resources]
volunteers = "volunteers.csv"
# One loudspeaker tuk-tuk per district; its working day starts and ends at the OWSO.
# Two in a district: add count = 2. No tuk-tuk at all: vehicles = [] (then no loudspeaker pass is planned).
vehicles = [
{vehicles}
]

[budget]
limit_usd = 5000
usd_to_khr = {USD_TO_KHR:.0f}
costs = "costs.csv"                # unit costs; edit the usd column

[targets]
loudspeaker_passes_per_sangkat = 2 # on distinct days
forums_per_sangkat = 1
min_awareness = 0.0                # e.g. 0.6 to require 60 % awareness in every sangkat

[plan]
door_rounds = 1                    # door-to-door rounds per village

[channels]
# The plan buys social media weeks, radio weeks and partner NGO meetings when they pay; cap or switch off:
# social_media_weeks = 4           # 0 = none
# radio_weeks = 0
# ngo_meetings = 3

[survey]
# file = "survey.xlsx"             # a Kobo/ODK export or the paper form typed into Excel

[parameters]
# Any default of outreach/parameters.py, e.g.
# "loudspeaker.broadcast_speed_kmh" = 12
"""


def write_scenario_folder(district_codes: list[str], out: Path, *, today: dt.date | None = None,
                          depots: Mapping[str, tuple[float, float]] | None = None) -> list[Path]:
    """Write ``scenario.toml``, ``villages.csv``, ``volunteers.csv``, ``costs.csv`` and a README.

    Parameters
    ----------
    district_codes : list of str
        4-digit district codes (a lost leading zero is restored).
    out : Path
        The folder to create (replaced atomically if it exists).
    today : date, optional
        The campaign starts the Monday after it.
    depots : mapping of str to (lat, lon), optional
        The OWSO's position by district code, where the tuk-tuk's day starts.

    Returns
    -------
    list of Path
        The files written (at their final location).
    """
    listings = [gazetteer.district_listing(c) for c in district_codes]
    codes = [lst.district.code for lst in listings]
    village_rows: list[Sequence[object]] = [_VILLAGE_COLUMNS]
    for lst in listings:
        sk = {s.code: s for s in lst.sangkats}
        for v in lst.villages:
            s = sk[v.sangkat_code]
            village_rows.append([v.code, s.code, s.name_en, s.name_kh, v.name_en, v.name_kh, "", "", "", "", "", "",
                                 "rural", ""])
    first_village = listings[0].villages[0].code if listings[0].villages else ""
    volunteer_rows: list[Sequence[object]] = [
        _VOLUNTEER_COLUMNS,
        ["V01", "Example volunteer (replace)", "F", first_village, "", "", "", "", "afternoon evening",
         "morning afternoon", "morning", 2, "", "", "", ""],
        ["V02", "Example volunteer (replace)", "M", first_village, "", "", "", "", "afternoon evening",
         "morning afternoon", "morning", 3, "", "", "", ""],
    ]
    cost_rows: list[list[object]] = [["key", "label", "unit", "usd", "channel", "source"]]
    cost_rows += [[k, c.label, c.unit, c.usd, c.channel, c.source] for k, c in COSTS.items()]
    names = [lst.district.name_en for lst in listings]
    readme = (
        f"Scenario folder for {', '.join(f'{lst.district.name_en} ({lst.district.code})' for lst in listings)}.\n\n"
        f"villages.csv lists all {len(village_rows) - 1} official villages "
        "(gazetteer codes, Khmer and English names).\n"
        "Fill lat, lon (decimal degrees) and households for every village; population, women, men are optional;\n"
        "setting is rural, periurban or roadside (roadside = loud market streets); market = yes for market villages.\n"
        "volunteers.csv: one row per volunteer; mon..sun list free slots (morning afternoon evening);\n"
        "fixed_pair: the same label for volunteers who must work together.\n"
        "costs.csv: unit costs in USD; change the usd column to local prices.\n"
        "Save files as 'CSV UTF-8' in Excel so Khmer names stay readable.\n"
    )
    with atomic_dir(out) as tmp:
        (tmp / "scenario.toml").write_text(
            scenario_toml(codes, names, _next_monday(today or dt.date.today()), depots), encoding="utf-8")
        (tmp / "villages.csv").write_text(_csv(village_rows), encoding="utf-8")
        (tmp / "volunteers.csv").write_text(_csv(volunteer_rows), encoding="utf-8")
        (tmp / "costs.csv").write_text(_csv(cost_rows), encoding="utf-8")
        (tmp / "README.txt").write_text(readme, encoding="utf-8")
        names_written = [p.name for p in tmp.iterdir()]
    return [out / n for n in sorted(names_written)]


def parse_depot(text: str, *, field: str = "--owso") -> tuple[float, float]:
    """``"12.5389, 103.9192"`` as (lat, lon), checked to lie in Cambodia.

    Raises
    ------
    InputError
        When the text is not two numbers or the point is outside Cambodia.
    """
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"'{text}' is not 'lat, lon' in decimal degrees (e.g. 12.5389, 103.9192)",
                         field=field) from None
    if not in_cambodia(lon, lat):
        raise InputError(f"({lat}, {lon}) is outside Cambodia; give latitude first, then longitude", field=field)
    return lat, lon


def parse_owso_options(values: Sequence[str]) -> dict[str, tuple[float, float]]:
    """``["0203=12.1,103.2", …]`` as {district code: (lat, lon)}."""
    out: dict[str, tuple[float, float]] = {}
    for v in values:
        code, sep, pos = v.partition("=")
        if not sep:
            raise InputError(f"'{v}' should be DISTRICT=LAT,LON, e.g. 0203=13.0957,103.2022", field="--owso")
        out[gazetteer.normalize_district_code(code.strip())] = parse_depot(pos)
    return out
