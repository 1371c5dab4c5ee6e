"""Driver route sheets: one printable A4 HTML page per vehicle-day, a CSV and an index.

Plain HTML and CSS only (no CDN, no scripts) so the sheets print offline.
Imports only from ``outreach``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jinja2 import Environment, select_autoescape

from .atomic import atomic_write_text
from .model import Campaign, Tours, VehicleDay
from .parameters import DEFAULTS

_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "Noto Sans Khmer", "Khmer OS", "DejaVu Sans", sans-serif; font-size: 10.5pt;
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
@media print { a { color: inherit; text-decoration: none; } }
"""

_SHEET = """<!DOCTYPE html>
<html lang="km"><head><meta charset="utf-8">
<title>Route {{ vd.vehicle_id }} {{ vd.date.isoformat() }}</title><style>{{ css|safe }}</style></head>
<body><div class="sheet">
<h1>Loudspeaker route &middot; {{ vd.vehicle_id }} &middot; {{ vd.date.strftime("%a %d %b %Y") }}</h1>
<p class="muted">{{ campaign }} &middot; depot: {{ depot }} &middot; leave {{ start }} &middot; back {{ end }}
 &middot; {{ "%.1f"|format(vd.km) }} km &middot; fuel {{ "%.2f"|format(vd.fuel_l) }} l
 &middot; on the road {{ hours }}</p>
<table>
<tr><th>#</th><th>Village</th><th>Sangkat</th><th class="num">Arrive</th><th class="num">Leave</th>
<th>Play</th><th>Done</th></tr>
{% for s in stops %}<tr><td class="num">{{ loop.index }}</td>
<td><span class="kh">{{ s.kh }}</span><br>{{ s.en }} <span class="muted">({{ s.code }})</span></td>
<td>{{ s.sangkat }}</td><td class="num">{{ s.arrive }}</td><td class="num">{{ s.leave }}</td>
<td>{{ recording }}{% if s.market %} &middot; market: drive slowly past the stalls{% endif %}</td>
<td><span class="box"></span></td></tr>
{% endfor %}</table>
<p class="muted">Drive through each village at walking pace while the message plays. Return to the
depot between the morning and afternoon rounds. Note any road that is closed.</p>
<p>Driver signature: ______________________ &nbsp; Km on meter: start ________ end ________</p>
</div></body></html>
"""

_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Loudspeaker route sheets</title>
<style>{{ css|safe }}</style></head><body>
<h1>Loudspeaker route sheets &middot; {{ campaign }}</h1>
<p class="muted">{{ days|length }} vehicle-days &middot; {{ "%.1f"|format(km) }} km &middot;
fuel {{ "%.1f"|format(fuel) }} l &middot; {{ strategy }}</p>
<table><tr><th>Date</th><th>Vehicle</th><th class="num">Stops</th><th class="num">km</th>
<th class="num">Fuel l</th><th>Sheet</th></tr>
{% for d in days %}<tr><td>{{ d.date }}</td><td>{{ d.vehicle }}</td><td class="num">{{ d.stops }}</td>
<td class="num">{{ "%.1f"|format(d.km) }}</td><td class="num">{{ "%.2f"|format(d.fuel) }}</td>
<td><a href="{{ d.file }}">{{ d.file }}</a></td></tr>
{% endfor %}</table>
{% if dropped %}<h2>Not covered</h2><table><tr><th>Village</th><th>Reason</th></tr>
{% for v in dropped %}<tr><td>{{ v.name }} ({{ v.code }})</td><td>{{ v.reason }}</td></tr>{% endfor %}
</table>{% endif %}
<p class="muted">All stops: <a href="routes.csv">routes.csv</a></p>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def hhmm(seconds: float) -> str:
    """Seconds after midnight as ``HH:MM`` (rounded to the minute)."""
    m = int(round(seconds / 60.0))
    return f"{m // 60:02d}:{m % 60:02d}"


def _recording(campaign: Campaign) -> str:
    key = "loudspeaker.message_length_s"
    sec = campaign.params.get(key, DEFAULTS[key].value)
    return f"OWSO + Ombudsman message ({int(round(sec))} s loop)"


def _file_name(vd: VehicleDay) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in vd.vehicle_id)
    return f"route_{safe}_{vd.date.isoformat()}.html"


def write_route_sheets(campaign: Campaign, tours: Tours, out_dir: Path) -> list[Path]:
    """Write driver route sheets, ``routes.csv`` and ``index.html``.

    Parameters
    ----------
    campaign : Campaign
        For village names, vehicles and the message length.
    tours : Tours
        The planned loudspeaker tours.
    out_dir : Path
        Folder to write into (created if missing).

    Returns
    -------
    list of Path
        One HTML sheet per vehicle-day, then ``routes.csv``, then ``index.html``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    geo = campaign.geography
    vb, sb = geo.village_by_code, geo.sangkat_by_code
    depots = {v.id: v.depot_name for v in campaign.vehicles}
    recording = _recording(campaign)
    sheet_t = _ENV.from_string(_SHEET)
    written: list[Path] = []
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["vehicle_id", "date", "seq", "village_code", "village_en", "village_kh", "sangkat_code",
                "sangkat_en", "arrive", "leave", "broadcast_min", "recording", "day_km", "day_fuel_l"])
    index_rows = []
    for vd in tours.days:
        stops = []
        for i, s in enumerate(vd.stops, 1):
            v = vb.get(s.village_code)
            sk = sb.get(v.sangkat_code) if v else None
            row = {
                "code": s.village_code,
                "en": v.name_en if v else s.village_code,
                "kh": v.name_kh if v else "",
                "sangkat": f"{sk.name_kh} / {sk.name_en}" if sk else (v.sangkat_code if v else ""),
                "arrive": hhmm(s.arrive_s),
                "leave": hhmm(s.leave_s),
                "market": bool(v and v.market),
            }
            stops.append(row)
            w.writerow([vd.vehicle_id, vd.date.isoformat(), i, s.village_code, row["en"], row["kh"],
                        v.sangkat_code if v else "", sk.name_en if sk else "", row["arrive"], row["leave"],
                        round((s.leave_s - s.arrive_s) / 60.0, 1), recording, vd.km, vd.fuel_l])
        start = vd.path[0][2] if vd.path else (vd.stops[0].arrive_s if vd.stops else 0.0)
        end = vd.path[-1][2] if vd.path else (vd.stops[-1].leave_s if vd.stops else 0.0)
        html = sheet_t.render(
            vd=vd, css=_CSS, campaign=campaign.name, depot=depots.get(vd.vehicle_id, ""), start=hhmm(start),
            end=hhmm(end), hours=f"{vd.duration_s / 3600.0:.1f} h", stops=stops, recording=recording,
        )
        name = _file_name(vd)
        written.append(atomic_write_text(out_dir / name, html))
        index_rows.append({"date": vd.date.isoformat(), "vehicle": vd.vehicle_id, "stops": len(vd.stops),
                           "km": vd.km, "fuel": vd.fuel_l, "file": name})
    written.append(atomic_write_text(out_dir / "routes.csv", buf.getvalue()))
    dropped = [{"code": d.village_code, "name": vb[d.village_code].name_en if d.village_code in vb else "",
                "reason": d.reason} for d in tours.dropped]
    index = _ENV.from_string(_INDEX).render(
        css=_CSS, campaign=campaign.name, days=index_rows, km=tours.km,
        fuel=sum(d.fuel_l for d in tours.days), strategy=tours.strategy, dropped=dropped,
    )
    written.append(atomic_write_text(out_dir / "index.html", index))
    return written
