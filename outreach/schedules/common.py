"""What every schedule page shares: labels in Khmer and English, slot times, the template environment, the CSS."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..errors import InputError
from ..fonts import khmer_font_face

Lang = Literal["km", "en", "both"]
DAY_KH = ("ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")
SLOT_KH = {"morning": "ព្រឹក", "afternoon": "រសៀល", "evening": "ល្ងាច"}
#: Local start time of each slot (Cambodia, UTC+7, no daylight saving).
SLOT_START = {"morning": dt.time(7, 30), "afternoon": dt.time(14, 0), "evening": dt.time(17, 0)}
UTC_OFFSET_H = 7

# (Khmer, English) labels; ``lang`` picks one or both.
_LABELS: dict[str, tuple[str, str]] = {
    "title": ("កាលវិភាគចុះផ្សព្វផ្សាយតាមផ្ទះ", "Door-to-door schedule"),
    "overview": ("កាលវិភាគក្រុមស្ម័គ្រចិត្ត", "Volunteer pairs, weeks overview"),
    "week": ("សប្តាហ៍ទី", "Week"),
    "w": ("ស", "W"),
    "holidays": ("ថ្ងៃឈប់សម្រាក (គ្មានការចុះ)", "Public holidays this week (no outings)"),
    "date": ("ថ្ងៃ", "Date"),
    "slot": ("វេន", "Slot"),
    "village": ("ភូមិ", "Village"),
    "sangkat": ("ឃុំ/សង្កាត់", "Sangkat"),
    "households": ("គ្រួសារ", "Households"),
    "leaflets": ("ខិត្តប័ណ្ណ", "Leaflets"),
    "booklets": ("សៀវភៅណែនាំ", "Booklets"),
    "done": ("រួចរាល់", "Done"),
    "callback": ("ត្រឡប់ទៅម្តងទៀត", "callback"),
    "callbacks_week": ("ការត្រឡប់ទៅម្តងទៀត", "Callback outings"),
    "total": ("សរុប", "Total"),
    "carry": ("សម្ភារៈត្រូវយក", "To carry"),
    "notes": ("ចំណាំ", "Notes for the pair"),
    "none": ("គ្មានការចុះសប្តាហ៍នេះ", "No outing this week."),
    "coordinator": ("អ្នកសម្របសម្រួល", "Coordinator"),
    "synthetic": ("ទីតាំងភូមិជាការប៉ាន់ស្មាន", "village positions are synthetic"),
    "pairs": ("ក្រុម", "pairs"),
    "pair": ("ក្រុម", "Pair"),
    "members": ("សមាជិក", "Members"),
    "outings": ("ការចុះ", "outings"),
    "status": ("ស្ថានភាព", "status"),
    "unmet": ("គ្រួសារមិនទាន់បានគ្រោង", "household visits not scheduled"),
    "roster_notes": ("កំណត់សម្គាល់អំពីកាលវិភាគ", "Roster notes"),
    "files": ("ឯកសារ", "Files"),
    "cell_help": ("លេខ៖ ចំនួនការចុះ និងគ្រួសារ", "cells: outings, and households below; click for the sheet"),
    "week_overview": ("កាលវិភាគប្រចាំសប្តាហ៍ គ្រប់ក្រុម", "Weekly overview, all pairs"),
    "doors": ("ផ្ទះ", "doors"),
    "doors_planned": ("ផ្ទះត្រូវចុះ", "Doors planned"),
    "villages_week": ("ភូមិ", "villages"),
    "overview_help": ("លេខដិត៖ ចំនួនផ្ទះត្រូវចុះ · ↻ ត្រឡប់ទៅម្តងទៀត · ផ្ទៃប្រផេះ៖ ថ្ងៃឈប់សម្រាក",
                      "bold number: doors planned · ↻ callback · grey: public holiday"),
    "turf": ("ភូមិរបស់ក្រុម", "The pair's villages"),
    "turf_caption": ("ពេញ៖ សប្តាហ៍នេះ · ទទេ៖ សប្តាហ៍ផ្សេង · ប្រផេះ៖ ភូមិផ្សេងទៀត",
                     "filled: this week · open: other weeks · grey: other villages"),
    "howto": ("យកខិត្តប័ណ្ណមួយសម្រាប់គ្រួសារនីមួយៗ។ គោះទ្វារ ស្វាគមន៍ ពន្យល់អំពីការិយាល័យច្រកចេញចូលតែមួយ "
              "និងការិយាល័យប្រជាពលរដ្ឋ។ កត់ត្រាគ្រួសារដែលគ្មាននរណានៅផ្ទះ៖ ពួកគេនឹងត្រូវបានទៅម្តងទៀត។",
              "Carry one leaflet per household and the OWSO booklet for the village chief. Knock, greet, explain "
              "the One Window Service Office and the District Ombudsman, leave a leaflet. Write down households "
              "where nobody was at home: they get a callback on another day and at another time."),
}


def labels(lang: Lang) -> dict[str, str]:
    """Label texts for ``lang``: Khmer, English, or ``"Khmer · English"``."""
    if lang not in ("km", "en", "both"):
        raise InputError(f"language must be km, en or both, got '{lang}'", field="lang")
    i = {"km": (0,), "en": (1,), "both": (0, 1)}[lang]
    return {k: " · ".join(v[j] for j in i) for k, v in _LABELS.items()}


def template_env() -> Environment:
    return Environment(loader=PackageLoader("outreach", "templates"), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def css(*, embed_font: bool = True) -> Markup:
    """The shared print stylesheet with the Khmer font embedded (:func:`outreach.fonts.khmer_font_face`).

    Returned as :class:`~markupsafe.Markup`: HTML-escaping the quotes inside
    ``<style>`` broke the @font-face rule, and Khmer printed as boxes. Without
    ``embed_font`` the @font-face rule is left out: the PDF renderer adds it
    once per process (:mod:`outreach.schedules.pdf`).
    """
    face = Markup(khmer_font_face()) if embed_font else Markup("")
    return Markup(template_env().get_template("_base.css").render(font_face=face))


def date_label(day: dt.date, lang: Lang = "both") -> str:
    """``ច័ន្ទ Mon 04 Jan``: Khmer and/or English weekday with the date."""
    en = f"{day:%a %d %b}"
    if lang == "en":
        return en
    if lang == "km":
        return f"{DAY_KH[day.weekday()]} {day:%d/%m}"
    return f"{DAY_KH[day.weekday()]} {en}"


def slot_label(slot: str, lang: Lang = "both") -> str:
    """Slot name in Khmer and/or English, with the local start time."""
    t = f"{SLOT_START[slot]:%H:%M}"
    parts = {"km": [SLOT_KH[slot]], "en": [slot], "both": [SLOT_KH[slot], slot]}[lang]
    return " · ".join(parts) + f" {t}"
