"""The route sheets' words in Khmer and English (``--lang km|en|both``).

Kept apart from the layout so a translator edits one table. ``both`` prints
Khmer first, then English: the driver reads Khmer, the coordinator may not.
"""

from __future__ import annotations

import datetime as dt

from .lang import Lang, pick

#: (Khmer, English) of every fixed phrase of the sheets and their index.
WORDS: dict[str, tuple[str, str]] = {
    "route": ("ផ្លូវរបស់ឧបករណ៍បំពងសំឡេង", "Loudspeaker route"),
    "sheets": ("សន្លឹកផ្លូវឧបករណ៍បំពងសំឡេង", "Loudspeaker route sheets"),
    "start_end": ("ចេញពី និងត្រឡប់មក", "start and end"),
    "no_depot": ("មិនទាន់មានទីតាំង ដូច្នេះប្រើកណ្តាលស្រុកជំនួស៖ សូមបន្ថែម lat/lon របស់ការិយាល័យច្រកចេញចូលតែមួយ "
                 "ក្នុង scenario.toml",
                 "no position was given, so the district's centre stands in: add the OWSO's lat/lon to "
                 "scenario.toml"),
    "leave": ("ចេញ", "leave"), "back": ("ត្រឡប់", "back"), "fuel": ("ប្រេង", "fuel"), "day": ("រយៈពេល", "day"),
    "message": ("សារ", "Message"), "village": ("ភូមិ", "Village"), "sangkat": ("ឃុំ/សង្កាត់", "Sangkat"),
    "in": ("ចូល", "In"), "out": ("ចេញ", "Out"), "how": ("របៀបផ្សាយ", "How to broadcast"), "done": ("រួច", "Done"),
    "pause": ("សម្រាក", "Pause"), "wait": ("រង់ចាំ", "wait"),
    "off_until": ("បិទឧបករណ៍បំពងសំឡេង រហូតដល់ជុំរសៀល", "loudspeaker off, until the afternoon round"),
    "market": ("ផ្សារ", "market"),
    "explain": ("បើកបរ៖ ចាក់សារឥតឈប់ តាមផ្លូវស្របគ្នា តាមល្បឿនដែលបានកំណត់ ដើម្បីឱ្យគ្រប់ផ្ទះឮសារពេញលេញ។ "
                "ឈប់៖ ឈប់ហើយចាក់សារទាំងមូលនៅកន្លែងឈប់នីមួយៗ រួចបន្តទៅតាមចម្ងាយដែលបានកំណត់។ "
                "កត់ត្រាផ្លូវណាដែលបិទ។",
                "Drive: play the message without stopping along parallel lanes or streets at the speed given, so "
                "that every house hears it whole. Stop: stand and play the whole message at each stop, then move "
                "on by the spacing given. Note any road that is closed."),
    "signature": ("ហត្ថលេខាអ្នកបើកបរ", "Driver signature"),
    "meter": ("គីឡូម៉ែត្រលើនាឡិកា ចាប់ផ្តើម / បញ្ចប់", "Km on meter, start / end"),
    "vehicle_days": ("ថ្ងៃរ៉ឺម៉ក", "vehicle-days"), "date": ("កាលបរិច្ឆេទ", "Date"), "vehicle": ("យានយន្ត", "Vehicle"),
    "stops": ("ភូមិ", "Stops"), "sheet": ("សន្លឹក", "Sheet"), "not_covered": ("មិនបានទៅដល់", "Not covered"),
    "reason": ("មូលហេតុ", "Reason"), "all_stops": ("ចំណតទាំងអស់", "All stops"),
    "drive_through": ("ចាក់ពេលបើកកាត់", "play while driving through"),
    "where_vehicle_is": ("នៅកន្លែងដែលរ៉ឺម៉កនៅ", "where the vehicle is"),
    "no_vehicle": ("សេណារីយ៉ូនេះគ្មានរ៉ឺម៉កទេ ([resources] vehicles) ដូច្នេះគ្មានការផ្សាយតាមឧបករណ៍បំពងសំឡេងទេ។",
                   "This scenario has no tuk-tuk ([resources] vehicles), so no loudspeaker pass is planned."),
    "no_passes": ("ផែនការនេះមិនទិញការផ្សាយតាមឧបករណ៍បំពងសំឡេងទេ៖ គ្មានផ្លូវត្រូវបើកបរទេ។",
                  "The plan buys no loudspeaker pass: there is no route to drive."),
    "map_caption": ("បន្ទាត់ក្រាស់៖ កំពុងផ្សាយ · បន្ទាត់ស្តើង៖ បើកបរ · ការ៉េ៖ ទីតាំងចេញដំណើរ",
                    "thick: broadcasting · thin: driving · square: depot"),
}
_WEEKDAYS_KM = ("ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")


def word(key: str, lang: Lang) -> str:
    """A fixed phrase of :data:`WORDS` in ``lang``."""
    return pick(*WORDS[key], lang)


def day_name(day: dt.date, lang: Lang) -> str:
    """The sheet's date: ``Mon 04 Jan 2027`` in English, the Khmer weekday and the ISO date in Khmer."""
    en = day.strftime("%a %d %b %Y")
    km = f"ថ្ងៃ{_WEEKDAYS_KM[day.weekday()]} {day.isoformat()}"
    return pick(km, en, lang)


def drive_text(kmh: int, lanes: int, km: float, lang: Lang) -> str:
    """Instruction for driving while broadcasting."""
    return pick(f"បើកបរ {kmh} គ.ម/ម៉ោង, {lanes} ផ្លូវ, {km:.1f} គ.ម",
                f"drive at {kmh} km/h, {lanes} lane(s) or street(s), {km:.1f} km", lang)


def stop_text(seconds: int, rows: int, km: float, kmh: int, lang: Lang) -> str:
    """Instruction for broadcasting at stops."""
    return pick(f"ឈប់ ហើយចាក់ {seconds} វិនាទី នៅកន្លែងឈប់នីមួយៗ, {rows} ជួរ, {km:.1f} គ.ម, ធ្វើដំណើរ {kmh} គ.ម/ម៉ោង",
                f"stop and play {seconds} s at each stop, {rows} row(s) of stops, {km:.1f} km, move at {kmh} km/h",
                lang)


def recording_text(seconds: int, repeats: int, lang: Lang) -> str:
    """What the loudspeaker plays and how often every house should hear it."""
    en_times = "once" if repeats == 1 else f"{repeats} times"
    km_times = "ម្តង" if repeats == 1 else f"{repeats} ដង"
    return pick(f"សារពីការិយាល័យច្រកចេញចូលតែមួយ និងអង្គភាពទទួលពាក្យបណ្តឹង {seconds} វិនាទី ចាក់វិលជុំ; "
                f"គ្រប់ផ្ទះគួរឮពេញលេញ {km_times}",
                f"OWSO + Ombudsman recording, {seconds} s, played in a loop; every house should hear it whole "
                f"{en_times}", lang)
