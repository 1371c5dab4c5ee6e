"""Import survey answers from CSV / XLSX files, including Kobo Toolbox and ODK exports.

What the importer tolerates, so that a working group can load an export without editing it:

* group prefixes in column names: ``awareness/knows_owso`` (Kobo),
  ``awareness-knows_owso`` (ODK Central), ``grp_knows_owso``;
* question labels as column names (Kobo "labels" export), in English or Khmer;
* select_one answers as names (``yes``) or labels (``Yes``, ``បាទ/ចាស``), and 1/0;
* select_multiple ``heard_from`` as space-separated names, as ``;``-separated
  labels, or as one-hot columns ``heard_from/loudspeaker``;
* metadata columns (``_uuid``, ``start``, ``_submission_time``, ...) — ignored;
* a UTF-8 byte-order mark, ``;`` or tab delimiters, village codes that lost their
  leading zero in Excel;
* a column mapping ``{standard field: your column}`` (the scenario's
  ``[survey.columns]`` table) for home-made spreadsheets.

Rows with an unknown village code, an impossible value or a missing required
answer (village, knows_owso) are dropped and listed in the :class:`ImportReport`
with their spreadsheet row number (header = row 1). :class:`InputError` is raised
only when the file cannot be read, lacks a required column, or has no usable row.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..model import Geography
from .questionnaire import CHANNELS, DEFAULT_QUESTIONNAIRE, Questionnaire

#: Standard fields and the extra spellings accepted for their column names.
FIELD_ALIASES: Mapping[str, tuple[str, ...]] = {
    "sangkat": ("sangkat", "sangkat_code", "commune", "commune_code", "khum", "khum_sangkat"),
    "village": ("village", "village_code", "village_id", "phum"),
    "respondent_type": ("respondent_type", "respondent", "type_of_respondent"),
    "sex": ("sex", "gender", "respondent_sex"),
    "age_group": ("age_group", "age", "age_years"),
    "knows_owso": ("knows_owso", "aware_owso", "owso_aware"),
    "knows_ombudsman": ("knows_ombudsman", "aware_ombudsman", "ombudsman_aware"),
    "heard_from": ("heard_from", "channels", "source_of_information"),
    "used_owso": ("used_owso", "owso_used"),
    "satisfaction": ("satisfaction", "owso_satisfaction"),
}
REQUIRED_FIELDS = ("village", "knows_owso")
_SELECT_ONE = ("respondent_type", "sex", "age_group", "knows_owso", "knows_ombudsman", "used_owso", "satisfaction")

# Extra accepted spellings of answers, beyond the choice names and labels.
_EXTRA_VALUES: Mapping[str, Mapping[str, str]] = {
    "yes_no": {"1": "yes", "0": "no", "true": "yes", "false": "no", "y": "yes", "n": "no",
               "បាទ": "yes", "ចាស": "yes", "បាទ / ចាស": "yes", "មិនដឹង": "no", "oui": "yes"},
    "sex": {"f": "female", "m": "male", "woman": "female", "women": "female", "man": "male",
            "men": "male", "srey": "female", "pros": "male"},
    "respondent_type": {"hh": "household", "shop": "business", "enterprise": "business"},
    "channel": {"forum": "public_forum", "leaflet": "print", "poster": "print", "banner": "print",
                "radio": "radio_tv", "tv": "radio_tv", "neighbours": "friends", "facebook": "social_media"},
}
_TRUTHY = {"1", "true", "yes", "y", "x", "បាទ/ចាស"}
_FALSY = {"0", "false", "no", "n", "ទេ"}

#: Columns of :attr:`SurveyData.frame`, besides one ``heard_<channel>`` column per channel.
CLEAN_COLUMNS = ("row", "village_code", "sangkat_code", "district_code", "respondent_type", "sex",
                 "age_group", "knows_owso", "knows_ombudsman", "used_owso", "satisfaction")


@dataclass(frozen=True)
class DroppedRow:
    """One problem that made a row unusable."""

    row: int
    reason: str
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class ImportReport:
    """What the importer did: rows read and used, dropped rows with reasons, column matches."""

    file: str
    rows_read: int
    rows_used: int
    dropped: tuple[DroppedRow, ...]
    columns: Mapping[str, str]
    ignored_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def rows_dropped(self) -> int:
        return len({d.row for d in self.dropped})

    def reason_counts(self) -> dict[str, int]:
        """Number of dropped rows per reason."""
        return dict(Counter(d.reason for d in self.dropped).most_common())

    def to_frame(self) -> pd.DataFrame:
        """Dropped rows as a table (row, field, value, reason)."""
        return pd.DataFrame(
            [(d.row, d.field, d.value, d.reason) for d in self.dropped],
            columns=["row", "field", "value", "reason"],
        )

    def to_text(self) -> str:
        """A short plain-text summary for the console and the report folder."""
        lines = [
            f"Survey file: {self.file}",
            f"Rows read: {self.rows_read}; used: {self.rows_used}; dropped: {self.rows_dropped}",
        ]
        for reason, n in self.reason_counts().items():
            rows = sorted({d.row for d in self.dropped if d.reason == reason})
            shown = ", ".join(map(str, rows[:15])) + (" ..." if len(rows) > 15 else "")
            lines.append(f"  {n} x {reason}: rows {shown}")
        lines.append("Columns: " + ", ".join(f"{k} <- '{v}'" for k, v in self.columns.items()))
        if self.ignored_columns:
            lines.append("Ignored columns: " + ", ".join(self.ignored_columns))
        lines.extend(self.notes)
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, eq=False)
class SurveyData:
    """Clean respondent answers (one row per usable respondent) and the import report.

    ``frame`` has the :data:`CLEAN_COLUMNS` plus ``heard_<channel>`` columns;
    yes/no answers are 1.0 / 0.0 / NaN, sex is ``"F"`` / ``"M"`` / NA.
    """

    frame: pd.DataFrame
    report: ImportReport

    @property
    def respondents(self) -> int:
        return len(self.frame)

    @property
    def data(self) -> pd.DataFrame:
        """Alias of :attr:`frame`."""
        return self.frame


# --------------------------------------------------------------------------- reading
def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV / TSV / XLSX file as text cells (no type guessing, blanks as ``""``).

    Raises
    ------
    InputError
        When the file is missing, of an unknown type, or not readable.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("the survey file does not exist", file=str(p))
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(p, sheet_name=0, dtype=str, engine="openpyxl")
            df = df.fillna("")
        elif suffix in (".csv", ".txt", ".tsv"):
            raw = p.read_bytes()
            if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
                text = raw.decode("utf-16")
            else:
                text = raw.decode("utf-8-sig")
            first = text.split("\n", 1)[0]
            # Kobo's legacy CSV uses ';', Excel "Unicode text" uses tabs.
            sep = max((",", ";", "\t"), key=first.count)
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        else:
            raise InputError("unsupported survey file type (use .csv or .xlsx)", file=str(p))
    except InputError:
        raise
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text; save it as 'CSV UTF-8'", file=str(p)) from None
    except (zipfile.BadZipFile, ValueError, pd.errors.ParserError, OSError) as exc:
        raise InputError(f"the file cannot be read ({exc.__class__.__name__}: {exc})", file=str(p)) from None
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    return df


# --------------------------------------------------------------------------- columns
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().lower().rstrip("?").strip()


def _label_index(q: Questionnaire) -> dict[str, str]:
    out: dict[str, str] = {}
    for question in q.questions:
        if question.name in FIELD_ALIASES:
            for label in (question.label_en, question.label_km):
                if label:
                    out[_norm(label)] = question.name
    return out


def _value_lookup(q: Questionnaire, list_name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in q.choices.get(list_name, ()):
        for token in (c.name, c.label_en, c.label_km):
            out[_norm(token)] = c.name
    out.update(_EXTRA_VALUES.get(list_name, {}))
    return out


def _channel_of(token: str, channel_lookup: Mapping[str, str]) -> str | None:
    return channel_lookup.get(_norm(token))


def match_columns(
    headers: list[str],
    columns: Mapping[str, str] | None = None,
    questionnaire: Questionnaire = DEFAULT_QUESTIONNAIRE,
    *,
    file: str = "",
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Find which file column holds each standard field.

    Parameters
    ----------
    headers : list of str
        Column names as read.
    columns : mapping, optional
        ``{standard field: column in the file}``; the reverse orientation is
        accepted too. One-hot channel columns map as ``"heard_from/<channel>"``.
    questionnaire : Questionnaire, optional
        Supplies labels accepted as column names.
    file : str, optional
        File name for error messages.

    Returns
    -------
    fields : dict
        Standard field -> column.
    onehot : dict
        Channel name -> column.
    ignored : list of str
        Columns that match nothing (metadata and extra questions).
    """
    fields: dict[str, str] = {}
    onehot: dict[str, str] = {}
    taken: set[str] = set()
    alias_to_field = {a: f for f, aliases in FIELD_ALIASES.items() for a in aliases}
    channel_lookup = _value_lookup(questionnaire, "channel")
    by_lower = {_norm(h): h for h in headers}

    for key, value in (columns or {}).items():
        key, value = str(key), str(value)
        target, src = key, value
        if _norm(key) not in alias_to_field and not key.startswith("heard_from/") and (
            _norm(value) in alias_to_field or value.startswith("heard_from/")
        ):
            target, src = value, key  # mapping written as {your column: standard field}
        col = src if src in headers else by_lower.get(_norm(src))
        if col is None:
            raise InputError(f"the column mapping names column '{src}', which is not in the file",
                             file=file or None, field=target)
        if target.startswith("heard_from/"):
            ch = _channel_of(target.split("/", 1)[1], channel_lookup)
            if ch is None:
                raise InputError(f"unknown channel in the column mapping: '{target}'", field=target)
            onehot[ch] = col
        elif _norm(target) in alias_to_field:
            fields[alias_to_field[_norm(target)]] = col
        else:
            raise InputError(f"unknown survey field '{target}' in the column mapping "
                             f"(known: {', '.join(FIELD_ALIASES)})", field=target)
        taken.add(col)

    labels = _label_index(questionnaire)
    heard_aliases = FIELD_ALIASES["heard_from"]
    suffixes = sorted(alias_to_field, key=len, reverse=True)
    ignored: list[str] = []
    for h in headers:
        if h in taken:
            continue
        low = _norm(h)
        segs = [s for s in re.split(r"[/:]|(?<=[a-z0-9])-(?=[a-z_])", low) if s]
        last = segs[-1] if segs else low
        target_field: str | None = None
        channel: str | None = None
        # One-hot select_multiple columns: heard_from/loudspeaker, grp_heard_from_loudspeaker, label/label.
        if len(segs) >= 2 and (segs[-2] in heard_aliases or labels.get(segs[-2]) == "heard_from"
                               or any(segs[-2].endswith("_" + a) for a in heard_aliases)):
            channel = _channel_of(last, channel_lookup)
        if channel is None and "/" in h:
            head, _, tail = h.rpartition("/")
            if labels.get(_norm(head)) == "heard_from":
                channel = _channel_of(tail, channel_lookup)
        if channel is None:
            for a in heard_aliases:
                for ch in CHANNELS:
                    if last == f"{a}_{ch}" or last.endswith(f"_{a}_{ch}") or last == f"{a}.{ch}":
                        channel = ch
        if channel is not None:
            onehot.setdefault(channel, h)
            continue
        if last in alias_to_field:
            target_field = alias_to_field[last]
        elif low in labels:
            target_field = labels[low]
        elif not last.startswith("_"):
            for a in suffixes:
                if last.endswith("_" + a):
                    target_field = alias_to_field[a]
                    break
        if target_field is not None and target_field not in fields:
            fields[target_field] = h
        else:
            ignored.append(h)
    return fields, onehot, ignored


# --------------------------------------------------------------------------- values
def _clean_cell(value: object) -> str:
    s = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    s = s.replace("\ufeff", "").strip()
    if re.fullmatch(r"-?\d+\.0+", s):
        s = s.split(".")[0]  # Excel turned 1 into 1.0
    return s


def _age_group(value: str) -> str | None:
    """Bin a numeric age; None when impossible for an adult respondent."""
    age = int(float(value))
    if age < 18 or age > 110:
        return None
    for hi, name in ((24, "18_24"), (34, "25_34"), (44, "35_44"), (59, "45_59")):
        if age <= hi:
            return name
    return "60_plus"


def import_survey(
    source: str | os.PathLike[str] | pd.DataFrame,
    geography: Geography | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    questionnaire: Questionnaire = DEFAULT_QUESTIONNAIRE,
    name: str | None = None,
) -> SurveyData:
    """Read and clean a survey export.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv`` / ``.xlsx`` file, or an already loaded table of text cells.
    geography : Geography, optional
        The campaign area; village codes must belong to it. Without it, any
        well-formed 8-digit code is accepted and the sangkat is its first 6 digits.
    columns : mapping, optional
        ``{standard field: column in the file}`` (the scenario's ``[survey.columns]``).
    questionnaire : Questionnaire, optional
        The form whose names and labels are recognised.
    name : str, optional
        File name shown in messages when ``source`` is a DataFrame.

    Returns
    -------
    SurveyData
        Usable rows and the import report.

    Raises
    ------
    InputError
        The file cannot be read, a required column is missing, or no row is usable.
    """
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
        fname = name or "<survey table>"
    else:
        fname = name or str(source)
        df = read_table(source)
    headers = list(df.columns)
    fields, onehot, ignored = match_columns(headers, columns, questionnaire, file=fname)
    for req in REQUIRED_FIELDS:
        if req not in fields:
            raise InputError(
                f"no column holds the required answer '{req}' (columns found: "
                f"{', '.join(headers[:20])}); name it '{req}' or map it in [survey.columns]",
                file=fname, field=req,
            )

    n = len(df)
    rows = np.arange(n) + 2  # spreadsheet numbering: header is row 1
    cells = {f: [_clean_cell(v) for v in df[col].tolist()] for f, col in fields.items()}
    problems: list[DroppedRow] = []
    bad = np.zeros(n, dtype=bool)
    notes: list[str] = []

    def drop(i: int, reason: str, fld: str, value: str) -> None:
        bad[i] = True
        problems.append(DroppedRow(int(rows[i]), reason, fld, value))

    # --- location
    village_code: list[str | None] = [None] * n
    sangkat_code: list[str | None] = [None] * n
    vb = geography.village_by_code if geography is not None else {}
    names: dict[str, list[str]] = {}
    if geography is not None:
        for v in geography.villages:
            for nm in (v.name_en, v.name_kh):
                names.setdefault(_norm(nm), []).append(v.code)
    sk_cells = cells.get("sangkat", [""] * n)
    for i, raw in enumerate(cells["village"]):
        sk_raw = sk_cells[i]
        sk = None
        if sk_raw:
            m = re.search(r"(?<!\d)(\d{5,6})(?!\d)", sk_raw)
            sk = m.group(1).zfill(6) if m else None
        if not raw:
            drop(i, "missing village", "village", "")
            continue
        m = re.search(r"(?<!\d)(\d{7,8})(?!\d)", raw)
        code = m.group(1).zfill(8) if m else None
        if geography is not None:
            if code is None or code not in vb:
                cands = names.get(_norm(raw), [])
                if sk is not None:
                    cands = [c for c in cands if vb[c].sangkat_code == sk]
                code = cands[0] if len(cands) == 1 else None
            if code is None:
                drop(i, "unknown village code", "village", raw)
                continue
            vsk = vb[code].sangkat_code
        else:
            if code is None:
                drop(i, "unknown village code", "village", raw)
                continue
            vsk = code[:6]
        if sk_raw and sk != vsk:
            drop(i, "village not in the given sangkat", "sangkat", sk_raw)
            continue
        village_code[i] = code
        sangkat_code[i] = vsk

    # --- select_one answers
    out: dict[str, list[object]] = {}
    for fld in _SELECT_ONE:
        vals = cells.get(fld)
        if vals is None:
            out[fld] = [None] * n
            continue
        list_name = questionnaire.question(fld).list_name if fld in {q.name for q in questionnaire.questions} else ""
        lookup = _value_lookup(questionnaire, list_name)
        res: list[object] = []
        for i, raw in enumerate(vals):
            if not raw:
                if fld == "knows_owso":
                    drop(i, "missing answer", fld, "")
                res.append(None)
                continue
            if fld == "age_group" and re.fullmatch(r"\d+(\.\d+)?", raw):
                grp = _age_group(raw)
                if grp is None:
                    drop(i, "impossible value", fld, raw)
                res.append(grp)
                continue
            name_ = lookup.get(_norm(raw))
            if name_ is None:
                drop(i, "impossible value", fld, raw)
            res.append(name_)
        out[fld] = res

    # --- channels
    ch_lookup = _value_lookup(questionnaire, "channel")
    heard = np.full((n, len(CHANNELS)), np.nan)
    mapped_other = 0
    text_vals = cells.get("heard_from")
    for j, ch in enumerate(CHANNELS):
        col = onehot.get(ch)
        if col is None:
            continue
        for i, v in enumerate(df[col].tolist()):
            s = _norm(_clean_cell(v))
            if s in _TRUTHY:
                heard[i, j] = 1.0
            elif s in _FALSY:
                heard[i, j] = 0.0
    if text_vals is not None:
        for i, raw in enumerate(text_vals):
            if not raw:
                continue
            tokens = raw.split()
            chans = [ch_lookup.get(_norm(t)) for t in tokens]
            if not all(chans):
                tokens = [t for t in re.split(r"[;,|\n]", raw) if t.strip()]
                chans = [ch_lookup.get(_norm(t)) for t in tokens]
            if not all(chans):
                mapped_other += 1
                chans = [c or "other" for c in chans]
            heard[i, :] = 0.0
            for c in chans:
                heard[i, CHANNELS.index(c)] = 1.0
    if mapped_other:
        notes.append(f"{mapped_other} rows named an unknown channel; counted as 'other'.")

    keep = ~bad
    yn = {"yes": 1.0, "no": 0.0}
    frame = pd.DataFrame({
        "row": rows,
        "village_code": village_code,
        "sangkat_code": sangkat_code,
        "district_code": [c[:4] if c else None for c in village_code],
        "respondent_type": out["respondent_type"],
        "sex": [{"female": "F", "male": "M"}.get(s) if s else None for s in out["sex"]],
        "age_group": out["age_group"],
        "knows_owso": [yn.get(s, np.nan) if s else np.nan for s in out["knows_owso"]],
        "knows_ombudsman": [yn.get(s, np.nan) if s else np.nan for s in out["knows_ombudsman"]],
        "used_owso": [yn.get(s, np.nan) if s else np.nan for s in out["used_owso"]],
        "satisfaction": out["satisfaction"],
    })
    for j, ch in enumerate(CHANNELS):
        frame[f"heard_{ch}"] = heard[:, j]
    # Channels are only meaningful for the aware: blank them for respondents aware of neither office.
    unaware = (frame["knows_owso"] == 0) & (frame["knows_ombudsman"].fillna(0) == 0)
    frame.loc[unaware, [f"heard_{ch}" for ch in CHANNELS]] = np.nan
    frame = frame.loc[keep].reset_index(drop=True)
    if geography is not None:
        db = {v.code: v.district_code for v in geography.villages}
        frame["district_code"] = frame["village_code"].map(db)

    report = ImportReport(
        file=fname,
        rows_read=n,
        rows_used=int(keep.sum()),
        dropped=tuple(sorted(problems, key=lambda d: d.row)),
        columns=dict(fields) | {f"heard_from/{k}": v for k, v in onehot.items()},
        ignored_columns=tuple(ignored),
        notes=tuple(notes),
    )
    if report.rows_used == 0:
        counts = "; ".join(f"{k}: {v}" for k, v in report.reason_counts().items()) or "the file has no data rows"
        first = report.dropped[0] if report.dropped else None
        raise InputError(f"no usable survey row ({counts})", file=fname,
                         row=first.row if first else None, field=first.field if first else None)
    return SurveyData(frame=frame, report=report)


def import_frame(
    frame: pd.DataFrame,
    geography: Geography | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    source: str = "<survey table>",
) -> SurveyData:
    """:func:`import_survey` for an in-memory table (e.g. :func:`~.synthetic.synthetic_survey` output).

    ``source`` names the table in the import report and in error messages.
    """
    return import_survey(frame, geography, columns=columns, name=source)
