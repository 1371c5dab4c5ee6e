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
from .columns import ColumnMatch, answer_lookup, match_columns, norm_text
from .questionnaire import CHANNELS, DEFAULT_QUESTIONNAIRE, Questionnaire

REQUIRED_FIELDS = ("village", "knows_owso")
_SELECT_ONE = ("respondent_type", "sex", "age_group", "knows_owso", "knows_ombudsman", "used_owso", "satisfaction")
_TRUTHY = {"1", "true", "yes", "y", "x", "បាទ/ចាស"}
_FALSY = {"0", "false", "no", "n", "ទេ"}


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

    ``frame`` has the columns ``row`` (spreadsheet row), ``village_code``,
    ``sangkat_code``, ``district_code``, ``respondent_type``, ``sex``,
    ``age_group``, ``knows_owso``, ``knows_ombudsman``, ``used_owso``,
    ``satisfaction`` and one ``heard_<channel>`` column per channel; yes/no
    answers are 1.0 / 0.0 / NaN, sex is ``"F"`` / ``"M"`` / NA.
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


@dataclass(frozen=True)
class _Problem:
    """Why one cell makes its row unusable."""

    reason: str
    field: str
    value: str


@dataclass(frozen=True)
class _Drops:
    """Collects the problems of rows as the cleaning steps find them (spreadsheet row numbers)."""

    rows: np.ndarray
    bad: np.ndarray
    problems: list[DroppedRow]

    @classmethod
    def for_rows(cls, n: int) -> _Drops:
        return cls(np.arange(n) + 2, np.zeros(n, dtype=bool), [])  # spreadsheet numbering: header is row 1

    def add(self, i: int, problem: _Problem) -> None:
        self.bad[i] = True
        self.problems.append(DroppedRow(int(self.rows[i]), problem.reason, problem.field, problem.value))


def _load(source: str | os.PathLike[str] | pd.DataFrame, name: str | None) -> tuple[pd.DataFrame, str]:
    """The table of text cells and the file name shown in messages."""
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
        return df, name or "<survey table>"
    fname = name or str(source)
    return read_table(source), fname


def _require(fields: Mapping[str, str], headers: list[str], fname: str) -> None:
    for req in REQUIRED_FIELDS:
        if req not in fields:
            raise InputError(
                f"no column holds the required answer '{req}' (columns found: "
                f"{', '.join(headers[:20])}); name it '{req}' or map it in [survey.columns]",
                file=fname, field=req,
            )


# --------------------------------------------------------------------------- location
def _code_in(text: str, pattern: str, width: int) -> str | None:
    m = re.search(pattern, text)
    return m.group(1).zfill(width) if m else None


def _village_names(geography: Geography | None) -> dict[str, list[str]]:
    """Normalised English and Khmer village name -> codes (a name may be shared)."""
    names: dict[str, list[str]] = {}
    if geography is not None:
        for v in geography.villages:
            for nm in (v.name_en, v.name_kh):
                names.setdefault(norm_text(nm), []).append(v.code)
    return names


def _village_code(raw: str, sk: str | None, geography: Geography | None, names: Mapping[str, list[str]]) -> str | None:
    """The village code a cell names: an 8-digit code (7 when Excel dropped the zero) or a unique name."""
    code = _code_in(raw, r"(?<!\d)(\d{7,8})(?!\d)", 8)
    if geography is None:
        return code
    vb = geography.village_by_code
    if code is None or code not in vb:
        cands = names.get(norm_text(raw), [])
        if sk is not None:
            cands = [c for c in cands if vb[c].sangkat_code == sk]
        code = cands[0] if len(cands) == 1 else None
    return code


def _place(raw: str, sk_raw: str, geography: Geography | None,
           names: Mapping[str, list[str]]) -> tuple[str, str] | _Problem:
    """(village code, sangkat code) of one row, or why the row has no usable place."""
    sk = _code_in(sk_raw, r"(?<!\d)(\d{5,6})(?!\d)", 6) if sk_raw else None
    if not raw:
        return _Problem("missing village", "village", "")
    code = _village_code(raw, sk, geography, names)
    if code is None:
        return _Problem("unknown village code", "village", raw)
    vsk = geography.village_by_code[code].sangkat_code if geography is not None else code[:6]
    if sk_raw and sk != vsk:
        return _Problem("village not in the given sangkat", "sangkat", sk_raw)
    return code, vsk


def _locate(cells: Mapping[str, list[str]], geography: Geography | None,
            drops: _Drops) -> tuple[list[str | None], list[str | None]]:
    """Village and sangkat code of every row (None for dropped rows)."""
    n = len(cells["village"])
    village_code: list[str | None] = [None] * n
    sangkat_code: list[str | None] = [None] * n
    names = _village_names(geography)
    sk_cells = cells.get("sangkat", [""] * n)
    for i, raw in enumerate(cells["village"]):
        found = _place(raw, sk_cells[i], geography, names)
        if isinstance(found, _Problem):
            drops.add(i, found)
            continue
        village_code[i], sangkat_code[i] = found
    return village_code, sangkat_code


# --------------------------------------------------------------------------- answers
def _answer(fld: str, raw: str, lookup: Mapping[str, str]) -> tuple[str | None, _Problem | None]:
    """The choice name of one select_one cell, and the problem it poses (if any)."""
    if not raw:
        return None, (_Problem("missing answer", fld, "") if fld == "knows_owso" else None)
    if fld == "age_group" and re.fullmatch(r"\d+(\.\d+)?", raw):
        grp = _age_group(raw)
        return grp, (_Problem("impossible value", fld, raw) if grp is None else None)
    name = lookup.get(norm_text(raw))
    return name, (_Problem("impossible value", fld, raw) if name is None else None)


def _select_one(cells: Mapping[str, list[str]], questionnaire: Questionnaire, n: int,
                drops: _Drops) -> dict[str, list[str | None]]:
    """Choice names of every select_one field (None when blank or impossible)."""
    out: dict[str, list[str | None]] = {}
    asked = {q.name for q in questionnaire.questions}
    for fld in _SELECT_ONE:
        vals = cells.get(fld)
        if vals is None:
            out[fld] = [None] * n
            continue
        list_name = questionnaire.question(fld).list_name if fld in asked else ""
        lookup = answer_lookup(questionnaire, list_name)
        res: list[str | None] = []
        for i, raw in enumerate(vals):
            value, problem = _answer(fld, raw, lookup)
            if problem is not None:
                drops.add(i, problem)
            res.append(value)
        out[fld] = res
    return out


# --------------------------------------------------------------------------- channels
def _onehot_answers(df: pd.DataFrame, onehot: Mapping[str, str]) -> np.ndarray:
    """Respondents x channels from one-hot columns: 1 / 0, NaN when blank or unreadable."""
    heard = np.full((len(df), len(CHANNELS)), np.nan)
    for j, ch in enumerate(CHANNELS):
        col = onehot.get(ch)
        if col is None:
            continue
        for i, v in enumerate(df[col].tolist()):
            s = norm_text(_clean_cell(v))
            if s in _TRUTHY:
                heard[i, j] = 1.0
            elif s in _FALSY:
                heard[i, j] = 0.0
    return heard


def _named_channels(raw: str, lookup: Mapping[str, str]) -> tuple[list[str], bool]:
    """Channels named in a select_multiple cell, and whether an unknown one was counted as ``other``."""
    tokens = raw.split()  # Kobo and ODK: space-separated names
    chans = [lookup.get(norm_text(t)) for t in tokens]
    if not all(chans):  # labels, as typed in a spreadsheet
        tokens = [t for t in re.split(r"[;,|\n]", raw) if t.strip()]
        chans = [lookup.get(norm_text(t)) for t in tokens]
    return [c or "other" for c in chans], not all(chans)


def _heard(df: pd.DataFrame, cells: Mapping[str, list[str]], onehot: Mapping[str, str],
           questionnaire: Questionnaire) -> tuple[np.ndarray, int]:
    """Respondents x channels (1 / 0 / NaN) and the number of rows that named an unknown channel.

    A ``heard_from`` text answer overrides the one-hot columns of its row.
    """
    heard = _onehot_answers(df, onehot)
    lookup = answer_lookup(questionnaire, "channel")
    mapped_other = 0
    for i, raw in enumerate(cells.get("heard_from") or ()):
        if not raw:
            continue
        chans, other = _named_channels(raw, lookup)
        mapped_other += other
        heard[i, :] = 0.0
        for c in chans:
            heard[i, CHANNELS.index(c)] = 1.0
    return heard, mapped_other


# --------------------------------------------------------------------------- assembling
def _clean_frame(drops: _Drops, place: tuple[list[str | None], list[str | None]],
                 answers: Mapping[str, list[str | None]], heard: np.ndarray,
                 geography: Geography | None) -> pd.DataFrame:
    """The usable rows in the documented columns (see :class:`SurveyData`)."""
    village_code, sangkat_code = place
    yn = {"yes": 1.0, "no": 0.0}
    frame = pd.DataFrame({
        "row": drops.rows,
        "village_code": village_code,
        "sangkat_code": sangkat_code,
        "district_code": [c[:4] if c else None for c in village_code],
        "respondent_type": answers["respondent_type"],
        "sex": [{"female": "F", "male": "M"}.get(s) if s else None for s in answers["sex"]],
        "age_group": answers["age_group"],
        "knows_owso": [yn.get(s, np.nan) if s else np.nan for s in answers["knows_owso"]],
        "knows_ombudsman": [yn.get(s, np.nan) if s else np.nan for s in answers["knows_ombudsman"]],
        "used_owso": [yn.get(s, np.nan) if s else np.nan for s in answers["used_owso"]],
        "satisfaction": answers["satisfaction"],
    })
    for j, ch in enumerate(CHANNELS):
        frame[f"heard_{ch}"] = heard[:, j]
    # Channels are only meaningful for the aware: blank them for respondents aware of neither office.
    unaware = (frame["knows_owso"] == 0) & (frame["knows_ombudsman"].fillna(0) == 0)
    frame.loc[unaware, [f"heard_{ch}" for ch in CHANNELS]] = np.nan
    frame = frame.loc[~drops.bad].reset_index(drop=True)
    if geography is not None:
        db = {v.code: v.district_code for v in geography.villages}
        frame["district_code"] = frame["village_code"].map(db)
    return frame


def _report(fname: str, drops: _Drops, match: ColumnMatch, notes: list[str]) -> ImportReport:
    """The import report; raises when no row is usable."""
    keep = ~drops.bad
    report = ImportReport(
        file=fname,
        rows_read=len(keep),
        rows_used=int(keep.sum()),
        dropped=tuple(sorted(drops.problems, key=lambda d: d.row)),
        columns=dict(match.fields) | {f"heard_from/{k}": v for k, v in match.onehot.items()},
        ignored_columns=match.ignored,
        notes=tuple(notes),
    )
    if report.rows_used == 0:
        counts = "; ".join(f"{k}: {v}" for k, v in report.reason_counts().items()) or "the file has no data rows"
        first = report.dropped[0] if report.dropped else None
        raise InputError(f"no usable survey row ({counts})", file=fname,
                         row=first.row if first else None, field=first.field if first else None)
    return report


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
    df, fname = _load(source, name)
    headers = list(df.columns)
    match = match_columns(headers, columns, questionnaire, file=fname)
    _require(match.fields, headers, fname)
    cells = {f: [_clean_cell(v) for v in df[col].tolist()] for f, col in match.fields.items()}
    drops = _Drops.for_rows(len(df))
    # Location first, then answers: a row's problems are listed in that order.
    place = _locate(cells, geography, drops)
    answers = _select_one(cells, questionnaire, len(df), drops)
    heard, mapped_other = _heard(df, cells, match.onehot, questionnaire)
    notes = [f"{mapped_other} rows named an unknown channel; counted as 'other'."] if mapped_other else []
    frame = _clean_frame(drops, place, answers, heard, geography)
    return SurveyData(frame=frame, report=_report(fname, drops, match, notes))


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
