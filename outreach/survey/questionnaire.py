"""The default awareness questionnaire, as an XLSForm (Kobo/ODK) and as a paper form.

The questionnaire asks, per respondent:

========================  =====================  ==========================================
name                      type                   meaning
========================  =====================  ==========================================
``sangkat``               code (6 digits)        official commune / sangkat code
``village``               code (8 digits)        official village code
``respondent_type``       select_one             ``household`` or ``business``
``sex``                   select_one             ``female`` / ``male``
``age_group``             select_one             ``18_24`` ... ``60_plus``
``knows_owso``            select_one yes/no      knows the One Window Service Office
``knows_ombudsman``       select_one yes/no      knows the District Ombudsman
``heard_from``            select_multiple        channels (asked when aware of either)
``used_owso``             select_one yes/no      has used an OWSO service (when aware)
``satisfaction``          select_one 1-5 scale   satisfaction with the service (when used)
========================  =====================  ==========================================

Questions sit in three groups (``location``, ``respondent``, ``awareness``), so a
Kobo export names columns ``awareness/knows_owso``; the importer strips such
prefixes. When a :class:`~outreach.model.Geography` is given, sangkat and
village become pick lists of official codes (village filtered by sangkat);
otherwise they are typed codes checked by a pattern.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from openpyxl import Workbook

from ..model import Geography
from ..xlsxfile import save_workbook

#: The form workbook's created/modified date: fixed, so the file is the same bytes on every run.
FORM_DATE = dt.date(2026, 1, 1)

#: Channel names of the ``heard_from`` question, in report order.
CHANNELS: tuple[str, ...] = (
    "public_forum",
    "loudspeaker",
    "youth_volunteer",
    "print",
    "radio_tv",
    "friends",
    "social_media",
    "other",
)


@dataclass(frozen=True)
class Choice:
    """One answer option: the stored ``name`` and its English / Khmer labels."""

    name: str
    label_en: str
    label_km: str
    parent: str = ""  # sangkat code of a village choice, for the cascading filter


@dataclass(frozen=True)
class Question:
    """One XLSForm row.

    ``kind`` is an XLSForm type without the list name (``select_one``,
    ``select_multiple``, ``text``, ``integer``, ``note``, or a metadata type
    such as ``start``); ``list_name`` names the choice list of select questions.
    """

    name: str
    kind: str
    label_en: str = ""
    label_km: str = ""
    list_name: str = ""
    group: str = ""
    required: bool = True
    relevant: str = ""
    constraint: str = ""
    constraint_en: str = ""
    constraint_km: str = ""
    hint_en: str = ""
    hint_km: str = ""
    choice_filter: str = ""

    @property
    def xls_type(self) -> str:
        return f"{self.kind} {self.list_name}" if self.list_name else self.kind


@dataclass(frozen=True)
class Group:
    name: str
    label_en: str
    label_km: str


@dataclass(frozen=True)
class Questionnaire:
    """A complete form: settings, groups, questions and choice lists."""

    form_id: str
    title_en: str
    title_km: str
    version: str
    groups: tuple[Group, ...]
    questions: tuple[Question, ...]
    choices: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)


EN = "English (en)"
KM = "Khmer (km)"

_OWSO_KM = "ការិយាល័យច្រកចេញចូលតែមួយ"
_OMB_KM = "ការិយាល័យទទួលបណ្ដឹងរដ្ឋបាលស្រុក"

_CHOICES: dict[str, tuple[Choice, ...]] = {
    "respondent_type": (
        Choice("household", "Household", "គ្រួសារ"),
        Choice("business", "Business", "អាជីវកម្ម"),
    ),
    "sex": (
        Choice("female", "Female", "ស្រី"),
        Choice("male", "Male", "ប្រុស"),
    ),
    "age_group": (
        Choice("18_24", "18-24 years", "១៨-២៤ ឆ្នាំ"),
        Choice("25_34", "25-34 years", "២៥-៣៤ ឆ្នាំ"),
        Choice("35_44", "35-44 years", "៣៥-៤៤ ឆ្នាំ"),
        Choice("45_59", "45-59 years", "៤៥-៥៩ ឆ្នាំ"),
        Choice("60_plus", "60 years or more", "៦០ ឆ្នាំឡើងទៅ"),
    ),
    "yes_no": (
        Choice("yes", "Yes", "បាទ/ចាស"),
        Choice("no", "No", "ទេ"),
    ),
    "channel": (
        Choice("public_forum", "Public forum", "វេទិកាសាធារណៈ"),
        Choice("loudspeaker", "Loudspeaker", "ឧបករណ៍បំពងសំឡេង"),
        Choice("youth_volunteer", "Youth volunteer", "យុវជនស្ម័គ្រចិត្ត"),
        Choice("print", "Leaflet, poster or banner", "ខិត្តប័ណ្ណ ផ្ទាំងរូបភាព ឬបដា"),
        Choice("radio_tv", "Radio or TV", "វិទ្យុ ឬទូរទស្សន៍"),
        Choice("friends", "Friends or neighbours", "មិត្តភក្តិ ឬអ្នកជិតខាង"),
        Choice("social_media", "Social media", "បណ្ដាញសង្គម"),
        Choice("other", "Other", "ផ្សេងៗ"),
    ),
    "satisfaction": (
        Choice("very_satisfied", "Very satisfied", "ពេញចិត្តខ្លាំង"),
        Choice("satisfied", "Satisfied", "ពេញចិត្ត"),
        Choice("neutral", "Neither satisfied nor dissatisfied", "ធម្មតា"),
        Choice("dissatisfied", "Dissatisfied", "មិនពេញចិត្ត"),
        Choice("very_dissatisfied", "Very dissatisfied", "មិនពេញចិត្តខ្លាំង"),
    ),
}

_AWARE = "${knows_owso} = 'yes' or ${knows_ombudsman} = 'yes'"

_QUESTIONS: tuple[Question, ...] = (
    Question("start", "start", required=False),
    Question("end", "end", required=False),
    Question(
        "sangkat", "text", "Sangkat / commune code (6 digits)", "លេខកូដឃុំ/សង្កាត់ (៦ ខ្ទង់)",
        group="location", constraint="regex(., '^[0-9]{6}$')",
        constraint_en="Six digits, e.g. 150101", constraint_km="លេខ ៦ ខ្ទង់ ឧ. 150101",
    ),
    Question(
        "village", "text", "Village code (8 digits)", "លេខកូដភូមិ (៨ ខ្ទង់)",
        group="location", constraint="regex(., '^[0-9]{8}$') and starts-with(., ${sangkat})",
        constraint_en="Eight digits starting with the sangkat code",
        constraint_km="លេខ ៨ ខ្ទង់ ចាប់ផ្ដើមដោយលេខកូដឃុំ/សង្កាត់",
    ),
    Question("respondent_type", "select_one", "Respondent", "អ្នកឆ្លើយសំណួរ",
             "respondent_type", group="respondent"),
    Question("sex", "select_one", "Sex of the respondent", "ភេទរបស់អ្នកឆ្លើយ", "sex", group="respondent"),
    Question("age_group", "select_one", "Age group", "ក្រុមអាយុ", "age_group", group="respondent"),
    Question(
        "knows_owso", "select_one",
        "Do you know the One Window Service Office (OWSO) of your district?",
        f"តើអ្នកស្គាល់{_OWSO_KM}នៃស្រុករបស់អ្នកដែរឬទេ?", "yes_no", group="awareness",
    ),
    Question(
        "knows_ombudsman", "select_one",
        "Do you know the District Ombudsman office?",
        f"តើអ្នកស្គាល់{_OMB_KM}ដែរឬទេ?", "yes_no", group="awareness",
    ),
    Question(
        "heard_from", "select_multiple",
        "Where did you hear about these offices? (tick all that apply)",
        "តើអ្នកបានឮអំពីការិយាល័យទាំងនេះពីណា? (គូសគ្រប់ចម្លើយដែលត្រូវ)",
        "channel", group="awareness", relevant=_AWARE,
    ),
    Question(
        "used_owso", "select_one",
        "Have you ever used a service of the OWSO?",
        f"តើអ្នកធ្លាប់ប្រើសេវារបស់{_OWSO_KM}ដែរឬទេ?",
        "yes_no", group="awareness", relevant="${knows_owso} = 'yes'",
    ),
    Question(
        "satisfaction", "select_one",
        "How satisfied were you with the OWSO service?",
        "តើអ្នកពេញចិត្តនឹងសេវារបស់ការិយាល័យនោះកម្រិតណា?",
        "satisfaction", group="awareness", relevant="${used_owso} = 'yes'",
    ),
)

_GROUPS = (
    Group("location", "Location", "ទីតាំង"),
    Group("respondent", "Respondent", "អ្នកឆ្លើយសំណួរ"),
    Group("awareness", "Awareness of the OWSO and the Ombudsman", "ការយល់ដឹងអំពីការិយាល័យច្រកចេញចូលតែមួយ និងការិយាល័យទទួលបណ្ដឹង"),
)

#: The default questionnaire (see module docstring).
DEFAULT_QUESTIONNAIRE = Questionnaire(
    form_id="owso_awareness",
    title_en="OWSO and District Ombudsman awareness survey",
    title_km="ការស្ទង់មតិអំពីការយល់ដឹងពីការិយាល័យច្រកចេញចូលតែមួយ និងការិយាល័យទទួលបណ្ដឹង",
    version="2025.1",
    groups=_GROUPS,
    questions=_QUESTIONS,
    choices=MappingProxyType(_CHOICES),
)


def with_geography(questionnaire: Questionnaire, geography: Geography) -> Questionnaire:
    """Turn the typed sangkat / village codes into pick lists of the campaign's official codes.

    Parameters
    ----------
    questionnaire : Questionnaire
        Usually :data:`DEFAULT_QUESTIONNAIRE`.
    geography : Geography
        The campaign area; names are shown beside the codes.

    Returns
    -------
    Questionnaire
        A copy whose ``sangkat`` and ``village`` are ``select_one`` questions; the
        village list is filtered by the chosen sangkat.
    """
    sangkats = tuple(
        Choice(s.code, f"{s.name_en} ({s.code})", f"{s.name_kh} ({s.code})") for s in geography.sangkats
    )
    villages = tuple(
        Choice(v.code, f"{v.name_en} ({v.code})", f"{v.name_kh} ({v.code})", v.sangkat_code)
        for v in geography.villages
    )
    qs = []
    for q in questionnaire.questions:
        if q.name == "sangkat":
            q = Question(q.name, "select_one", "Sangkat / commune", "ឃុំ/សង្កាត់", "sangkat", q.group)
        elif q.name == "village":
            q = Question(q.name, "select_one", "Village", "ភូមិ", "village", q.group,
                         choice_filter="sangkat = ${sangkat}")
        qs.append(q)
    choices = dict(questionnaire.choices)
    choices["sangkat"] = sangkats
    choices["village"] = villages
    return Questionnaire(questionnaire.form_id, questionnaire.title_en, questionnaire.title_km,
                         questionnaire.version, questionnaire.groups, tuple(qs), MappingProxyType(choices))


def write_xlsform(path: str | Path, questionnaire: Questionnaire = DEFAULT_QUESTIONNAIRE) -> Path:
    """Write the questionnaire as an XLSForm workbook (survey, choices, settings sheets).

    Parameters
    ----------
    path : path
        The ``.xlsx`` file to write.
    questionnaire : Questionnaire, optional
        The form; defaults to :data:`DEFAULT_QUESTIONNAIRE`.

    Returns
    -------
    Path
        The written file. Kobo Toolbox and ODK Central accept it as is.
    """
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append([
        "type", "name", f"label::{EN}", f"label::{KM}", f"hint::{EN}", f"hint::{KM}", "required",
        "relevant", "constraint", f"constraint_message::{EN}", f"constraint_message::{KM}", "choice_filter",
    ])
    groups = {g.name: g for g in questionnaire.groups}
    current = ""
    for q in questionnaire.questions:
        if q.group != current:
            if current:
                ws.append(["end_group", current])
            if q.group:
                g = groups[q.group]
                ws.append(["begin_group", g.name, g.label_en, g.label_km])
            current = q.group
        is_meta = not q.label_en
        ws.append([
            q.xls_type, q.name, q.label_en, q.label_km, q.hint_en, q.hint_km,
            "" if is_meta else ("yes" if q.required and not q.relevant else ("yes" if q.required else "")),
            q.relevant, q.constraint, q.constraint_en, q.constraint_km, q.choice_filter,
        ])
    if current:
        ws.append(["end_group", current])

    wc = wb.create_sheet("choices")
    wc.append(["list_name", "name", f"label::{EN}", f"label::{KM}", "sangkat"])
    for list_name, options in questionnaire.choices.items():
        for c in options:
            wc.append([list_name, c.name, c.label_en, c.label_km, c.parent])

    wsx = wb.create_sheet("settings")
    wsx.append(["form_title", "form_id", "version", "default_language", "style"])
    wsx.append([questionnaire.title_en, questionnaire.form_id, questionnaire.version, EN, "pages"])
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path, FORM_DATE)  # same bytes on every run
    return path


_PAPER_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "OWSO Khmer", "Noto Sans Khmer", "Khmer OS", "Noto Sans", sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #000; max-width: 182mm; margin: 0 auto; }
h1 { font-size: 14pt; margin: 0 0 2mm 0; }
h2 { font-size: 11.5pt; margin: 5mm 0 2mm 0; border-bottom: 1px solid #000; }
.km { font-size: 11pt; }
.q { break-inside: avoid; page-break-inside: avoid; margin: 0 0 3.5mm 0; }
.q .n { font-weight: bold; }
.opts { margin: 1mm 0 0 6mm; }
.opt { display: inline-block; margin: 0 6mm 1mm 0; white-space: nowrap; }
.box { display: inline-block; width: 3.6mm; height: 3.6mm; border: 1px solid #000; vertical-align: -0.6mm;
       margin-right: 1.5mm; }
.box.round { border-radius: 50%; }
.code { display: inline-block; width: 6mm; height: 7mm; border: 1px solid #000; margin-right: 0.6mm; }
.note { font-size: 9pt; color: #333; }
.meta td { padding: 1mm 3mm 1mm 0; }
@media screen { body { margin: 10mm auto; } }
"""


def paper_form_html(questionnaire: Questionnaire = DEFAULT_QUESTIONNAIRE) -> str:
    """The questionnaire as a printable bilingual (Khmer / English) HTML page for A4 paper.

    Parameters
    ----------
    questionnaire : Questionnaire, optional
        The form; defaults to :data:`DEFAULT_QUESTIONNAIRE`.

    Returns
    -------
    str
        A self-contained HTML document (no external resources). Round boxes
        mean "one answer", square boxes "all that apply".
    """
    e = html.escape
    out = [
        "<!DOCTYPE html>", '<html lang="km"><head><meta charset="utf-8">',
        f"<title>{e(questionnaire.title_en)}</title><style>{_PAPER_CSS}</style></head><body>",
        f'<h1><span class="km">{e(questionnaire.title_km)}</span><br>{e(questionnaire.title_en)}</h1>',
        '<table class="meta"><tr><td>កាលបរិច្ឆេទ / Date: ____________</td>'
        "<td>អ្នកសម្ភាសន៍ / Interviewer: ______________________</td></tr></table>",
        '<p class="note">○ ជ្រើសរើសចម្លើយមួយ / tick one answer &nbsp;&nbsp; '
        "□ គូសគ្រប់ចម្លើយដែលត្រូវ / tick all that apply</p>",
    ]
    groups = {g.name: g for g in questionnaire.groups}
    current = ""
    number = 0
    for q in questionnaire.questions:
        if not q.label_en:
            continue
        if q.group != current and q.group:
            g = groups[q.group]
            out.append(f'<h2><span class="km">{e(g.label_km)}</span> / {e(g.label_en)}</h2>')
            current = q.group
        number += 1
        out.append('<div class="q">')
        out.append(f'<div><span class="n">{number}.</span> <span class="km">{e(q.label_km)}</span>'
                   f"<br>{e(q.label_en)}</div>")
        if q.relevant:
            out.append(f'<div class="note">{_relevance_note(q.relevant)}</div>')
        opts = questionnaire.choices.get(q.list_name, ()) if q.list_name else ()
        if q.list_name in ("sangkat", "village") or q.name in ("sangkat", "village"):
            digits = 6 if q.name == "sangkat" else 8
            out.append('<div class="opts">' + '<span class="code"></span>' * digits + "</div>")
        elif opts:
            shape = "box" if q.kind == "select_multiple" else "box round"
            items = "".join(
                f'<span class="opt"><span class="{shape}"></span><span class="km">{e(c.label_km)}</span>'
                f" / {e(c.label_en)}</span>"
                for c in opts
            )
            out.append(f'<div class="opts">{items}</div>')
        else:
            out.append('<div class="opts">______________________________</div>')
        out.append("</div>")
    out.append('<p class="note">សូមអរគុណ! / Thank you!</p></body></html>')
    return "\n".join(out)


def _relevance_note(relevant: str) -> str:
    if "knows_ombudsman" in relevant:
        return "សួរតែអ្នកដែលស្គាល់ការិយាល័យណាមួយ / Ask only if the respondent knows either office."
    if "used_owso" in relevant:
        return "សួរតែអ្នកដែលធ្លាប់ប្រើសេវា / Ask only if the respondent has used a service."
    return "សួរតែអ្នកដែលស្គាល់ការិយាល័យ / Ask only if the respondent knows the OWSO."


def write_form(out_dir: str | Path, geography: Geography | None = None,
               questionnaire: Questionnaire = DEFAULT_QUESTIONNAIRE) -> dict[str, Path]:
    """Write the XLSForm and the paper form into a folder.

    Parameters
    ----------
    out_dir : path
        Folder to write into (created if needed).
    geography : Geography, optional
        When given, sangkat and village become pick lists of official codes.
    questionnaire : Questionnaire, optional
        The form; defaults to :data:`DEFAULT_QUESTIONNAIRE`.

    Returns
    -------
    dict of str to Path
        ``{"xlsform": ..., "paper": ...}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    q = with_geography(questionnaire, geography) if geography is not None else questionnaire
    xls = write_xlsform(out / f"{q.form_id}.xlsx", q)
    paper = out / f"{q.form_id}_paper.html"
    paper.write_text(paper_form_html(q), encoding="utf-8")
    return {"xlsform": xls, "paper": paper}
