"""Driver route sheets: one printable A4 HTML page per vehicle-day, a CSV and an index.

Plain HTML and CSS only (no CDN, no scripts) so the sheets print offline.
Imports only from ``outreach``.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from .atomic import atomic_write_text
from .daymap import day_svg
from .fonts import khmer_font_face
from .lang import Lang, pick
from .model import Broadcast, Campaign, Tours, VehicleDay
from .parameters import DEFAULTS
from .routetext import day_name, drive_text, recording_text, stop_text, word

#: A stand of at least this long before a drive is printed as a pause.
PAUSE_MIN_S = 15 * 60.0

_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "OWSO Khmer", "Noto Sans Khmer", "Khmer OS", "DejaVu Sans", sans-serif; font-size: 10.5pt;
       color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
.muted { color: #555; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { border: 0.3mm solid #888; padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
td.num, th.num { text-align: right; }
.kh { font-size: 11pt; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 0.3mm solid #333; }
.sheet { page-break-after: always; }
.daymap-box svg { max-width: 100%; height: auto; }
@media print { a { color: inherit; text-decoration: none; } }
"""

_SHEET = """<!DOCTYPE html>
<html lang="{{ html_lang }}"><head><meta charset="utf-8">
<title>{{ t('route') }} {{ vd.vehicle_id }} {{ vd.date.isoformat() }}</title><style>{{ css|safe }}</style></head>
<body><div class="sheet">
<h1>{{ t('route') }} &middot; {{ vd.vehicle_id }} &middot; {{ day_name }}</h1>
<p class="muted">{{ campaign }} &middot; {{ t('start_end') }}: {{ depot }}{% if not depot_given %}
({{ t('no_depot') }}){% endif %} &middot; {{ t('leave') }} {{ start }}
 &middot; {{ t('back') }} {{ end }} &middot; {{ "%.1f"|format(vd.km) }} km &middot; {{ t('fuel') }}
 {{ "%.1f"|format(vd.fuel_l) }} l &middot; {{ t('day') }} {{ hours }}</p>
<p>{{ t('message') }}: {{ recording }}.</p>
{% if svg %}<div class="daymap-box">{{ svg|safe }}</div>{% endif %}
<table>
<tr><th>#</th><th>{{ t('village') }}</th><th>{{ t('sangkat') }}</th><th class="num">{{ t('in') }}</th>
<th class="num">{{ t('out') }}</th><th>{{ t('how') }}</th><th>{{ t('done') }}</th></tr>
{% for s in stops %}{% if s.pause %}<tr><td></td><td colspan="6"><b>{{ t('pause') }} {{ s.pause }}</b>
 &middot; {{ t('wait') }} {{ s.pause_at }}, {{ t('off_until') }}</td></tr>{% endif %}
<tr><td class="num">{{ loop.index }}</td>
<td><span class="kh">{{ s.kh }}</span><br>{{ s.en }} <span class="muted">({{ s.code }})</span></td>
<td>{{ s.sangkat }}</td><td class="num">{{ s.arrive }}</td><td class="num">{{ s.leave }}</td>
<td>{{ s.how }}{% if s.market %} &middot; {{ t('market') }}{% endif %}</td>
<td><span class="box"></span></td></tr>
{% endfor %}</table>
<p class="muted">{{ t('explain') }}</p>
<p>{{ t('signature') }}: ______________________ &nbsp; {{ t('meter') }}: ________ / ________</p>
</div></body></html>
"""

_INDEX = """<!DOCTYPE html>
<html lang="{{ html_lang }}"><head><meta charset="utf-8"><title>{{ t('sheets') }}</title>
<style>{{ css|safe }}</style></head><body>
<h1>{{ t('sheets') }} &middot; {{ campaign }}</h1>
<p class="muted">{{ days|length }} {{ t('vehicle_days') }} &middot; {{ "%.1f"|format(km) }} km &middot;
{{ t('fuel') }} {{ "%.1f"|format(fuel) }} l &middot; {{ strategy }}</p>
{% if not days %}<p><strong>{{ t('no_vehicle') if no_vehicle else t('no_passes') }}</strong></p>{% else %}
<table><tr><th>{{ t('date') }}</th><th>{{ t('vehicle') }}</th><th class="num">{{ t('stops') }}</th>
<th class="num">km</th><th class="num">{{ t('fuel') }} l</th><th>{{ t('sheet') }}</th></tr>
{% for d in days %}<tr><td>{{ d.date }}</td><td>{{ d.vehicle }}</td><td class="num">{{ d.stops }}</td>
<td class="num">{{ "%.1f"|format(d.km) }}</td><td class="num">{{ "%.1f"|format(d.fuel) }}</td>
<td><a href="{{ d.file }}">{{ d.file }}</a></td></tr>
{% endfor %}</table>{% endif %}
{% if dropped %}<h2>{{ t('not_covered') }}</h2><table><tr><th>{{ t('village') }}</th><th>{{ t('reason') }}</th></tr>
{% for v in dropped %}<tr><td>{{ v.name }} ({{ v.code }})</td><td>{{ v.reason }}</td></tr>{% endfor %}
</table>{% endif %}
<p class="muted">{{ t('all_stops') }}: <a href="routes.csv">routes.csv</a></p>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def hhmm(seconds: float) -> str:
    """Seconds after midnight as ``HH:MM`` (rounded to the minute)."""
    m = int(round(seconds / 60.0))
    return f"{m // 60:02d}:{m % 60:02d}"


def duration(seconds: float) -> str:
    """A duration to the minute: ``11 h 53 min``, or ``40 min`` under an hour."""
    m = int(round(seconds / 60.0))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"


def speed_kmh(kmh: float) -> int:
    """A broadcast speed as the driver reads it: whole km/h, rounded *down*.

    The lanes are spaced for the computed speed; driving slower only lengthens
    each household's hearing chord, so rounding down keeps every house covered
    (rounding 14.95 up to 15 would not). The small tolerance keeps 10.0 at 10.
    """
    return max(1, math.floor(kmh + 1e-6))


def _recording(campaign: Campaign, lang: Lang) -> str:
    p = {k: campaign.params.get(k, DEFAULTS[k].value) for k in ("loudspeaker.message_length_s",
                                                                 "loudspeaker.message_repeats")}
    return recording_text(int(round(p["loudspeaker.message_length_s"])), int(round(p["loudspeaker.message_repeats"])),
                          lang)


def how_to_broadcast(b: Broadcast | None, lang: Lang = "en") -> str:
    """The driver's instruction for one village: mode, speed, lanes or stops, metres."""
    if b is None:
        return word("drive_through", lang)
    if b.mode == "stop":
        return stop_text(int(b.message_s * b.repeats), b.lanes, b.metres / 1000, speed_kmh(b.speed_kmh), lang)
    return drive_text(speed_kmh(b.speed_kmh), b.lanes, b.metres / 1000, lang)


def _stop_row(campaign: Campaign, vd: VehicleDay, i: int, lang: Lang) -> dict[str, Any]:
    """One village line of a sheet, with the pause before it when the vehicle stood waiting."""
    geo = campaign.geography
    s = vd.stops[i]
    v = geo.village_by_code.get(s.village_code)
    sk = geo.sangkat_by_code.get(v.sangkat_code) if v else None
    pause, pause_at = "", ""
    if i and s.wait_s >= PAUSE_MIN_S:
        prev = vd.stops[i - 1]
        pv = geo.village_by_code.get(prev.village_code)
        pause = f"{hhmm(prev.leave_s)}–{hhmm(prev.leave_s + s.wait_s)}"
        pause_at = pick(f"នៅ{pv.name_kh}", f"in {pv.name_en}", lang) if pv else word("where_vehicle_is", lang)
    return {
        "code": s.village_code,
        "en": v.name_en if v else s.village_code,
        "kh": v.name_kh if v else "",
        "sangkat": f"{sk.name_kh} / {sk.name_en}" if sk else (v.sangkat_code if v else ""),
        "sangkat_code": v.sangkat_code if v else "",
        "sangkat_en": sk.name_en if sk else "",
        "arrive": hhmm(s.arrive_s),
        "leave": hhmm(s.leave_s),
        "market": bool(v and v.market),
        "how": how_to_broadcast(s.broadcast, lang),
        "pause": pause,
        "pause_at": pause_at,
    }


def day_message(vd: VehicleDay, stops: list[dict[str, Any]], recording: str, start: str, end: str,
                lang: Lang) -> str:
    """The sheet as plain text, to send to the driver by Telegram: the day, then one line per village."""
    lines = [f"{word('route', lang)} {vd.vehicle_id} · {day_name(vd.date, lang)}",
             f"{word('leave', lang)} {start} · {word('back', lang)} {end} · {vd.km:.1f} km",
             f"{word('message', lang)}: {recording}", ""]
    for n, s in enumerate(stops, 1):
        if s["pause"]:
            lines.append(f"   {word('pause', lang)} {s['pause']} {s['pause_at']}")
        lines.append(f"{n}. {s['arrive']}–{s['leave']} {s['kh']} / {s['en']}: {s['how']}")
    return "\n".join(lines) + "\n"


def _file_name(vd: VehicleDay) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in vd.vehicle_id)
    return f"route_{safe}_{vd.date.isoformat()}.html"


def write_route_sheets(campaign: Campaign, tours: Tours, out_dir: Path, *, lang: Lang = "both") -> list[Path]:
    """Write driver route sheets, ``routes.csv`` and ``index.html``.

    Parameters
    ----------
    campaign : Campaign
        For village names, vehicles and the message length.
    tours : Tours
        The planned loudspeaker tours.
    out_dir : Path
        Folder to write into (created if missing).
    lang : {"km", "en", "both"}
        Language of the sheets (village names are printed in both scripts whatever it is).

    Returns
    -------
    list of Path
        Per vehicle-day an HTML sheet (with a small map of the day) and its plain-text version for Telegram
        (``.txt``), then ``routes.csv``, then ``index.html``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vb = campaign.geography.village_by_code
    depots = {v.id: v for v in campaign.vehicles}
    recording = _recording(campaign, lang)
    sheet_t = _ENV.from_string(_SHEET)
    style = khmer_font_face() + _CSS
    words = {"t": lambda key: word(key, lang), "html_lang": "en" if lang == "en" else "km"}
    written: list[Path] = []
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["vehicle_id", "date", "seq", "village_code", "village_en", "village_kh", "sangkat_code",
                "sangkat_en", "in", "out", "broadcast_min", "how", "pause_before_min", "day_km", "day_fuel_l"])
    index_rows = []
    for vd in tours.days:
        stops = [_stop_row(campaign, vd, i, lang) for i in range(len(vd.stops))]
        for i, (s, row) in enumerate(zip(vd.stops, stops), 1):
            w.writerow([vd.vehicle_id, vd.date.isoformat(), i, s.village_code, row["en"], row["kh"],
                        row["sangkat_code"], row["sangkat_en"], row["arrive"], row["leave"],
                        round((s.leave_s - s.arrive_s) / 60.0), row["how"], round(s.wait_s / 60.0),
                        round(vd.km, 1), round(vd.fuel_l, 1)])
        start = vd.path[0][2] if vd.path else (vd.stops[0].arrive_s if vd.stops else 0.0)
        end = vd.path[-1][2] if vd.path else (vd.stops[-1].leave_s if vd.stops else 0.0)
        veh = depots.get(vd.vehicle_id)
        html = sheet_t.render(
            vd=vd, css=style, campaign=campaign.name, depot=veh.depot_name if veh else "",
            depot_given=veh.depot_given if veh else True, start=hhmm(start), end=hhmm(end),
            hours=duration(end - start), stops=stops, recording=recording, day_name=day_name(vd.date, lang),
            svg=day_svg(vd, campaign.geography, caption=word("map_caption", lang)), **words,
        )
        name = _file_name(vd)
        written.append(atomic_write_text(out_dir / name, html))
        written.append(atomic_write_text(out_dir / name.replace(".html", ".txt"),
                                         day_message(vd, stops, recording, hhmm(start), hhmm(end), lang)))
        index_rows.append({"date": vd.date.isoformat(), "vehicle": vd.vehicle_id, "stops": len(vd.stops),
                           "km": vd.km, "fuel": vd.fuel_l, "file": name})
    written.append(atomic_write_text(out_dir / "routes.csv", buf.getvalue()))
    dropped = [{"code": d.village_code, "name": vb[d.village_code].name_en if d.village_code in vb else "",
                "reason": d.reason} for d in tours.dropped]
    index = _ENV.from_string(_INDEX).render(
        css=style, campaign=campaign.name, days=index_rows, km=tours.km,
        fuel=sum(d.fuel_l for d in tours.days), strategy=tours.strategy, dropped=dropped,
        no_vehicle=not campaign.vehicles, **words,
    )
    written.append(atomic_write_text(out_dir / "index.html", index))
    return written
