"""Which file column holds which survey field, and the spellings accepted for names and answers.

Column names are matched after :func:`norm_text` (case, blanks, a trailing ``?``
and byte-order marks do not matter), with the group prefixes of Kobo
(``awareness/knows_owso``), ODK Central (``awareness-knows_owso``) and home-made
forms (``grp_knows_owso``) stripped; question labels (English or Khmer) are
accepted as column names too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from ..errors import InputError
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


def norm_text(text: str) -> str:
    """A column name or answer as compared: one-spaced, lower case, without a trailing ``?``."""
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().lower().rstrip("?").strip()


def answer_lookup(q: Questionnaire, list_name: str) -> dict[str, str]:
    """Accepted spelling (normalised) -> choice name, for one choice list of the form."""
    out: dict[str, str] = {}
    for c in q.choices.get(list_name, ()):
        for token in (c.name, c.label_en, c.label_km):
            out[norm_text(token)] = c.name
    out.update(_EXTRA_VALUES.get(list_name, {}))
    return out


def _label_index(q: Questionnaire) -> dict[str, str]:
    out: dict[str, str] = {}
    for question in q.questions:
        if question.name in FIELD_ALIASES:
            for label in (question.label_en, question.label_km):
                if label:
                    out[norm_text(label)] = question.name
    return out


@dataclass(frozen=True)
class _Vocabulary:
    """The names a column may carry: field aliases, question labels and channel spellings."""

    alias_to_field: Mapping[str, str]
    labels: Mapping[str, str]
    channels: Mapping[str, str]
    suffixes: tuple[str, ...]  # aliases, longest first, for ``<prefix>_<alias>`` columns

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> _Vocabulary:
        alias_to_field = {a: f for f, aliases in FIELD_ALIASES.items() for a in aliases}
        return cls(alias_to_field, _label_index(questionnaire), answer_lookup(questionnaire, "channel"),
                   tuple(sorted(alias_to_field, key=len, reverse=True)))

    def channel(self, token: str) -> str | None:
        return self.channels.get(norm_text(token))

    def is_field(self, name: str) -> bool:
        return norm_text(name) in self.alias_to_field or name.startswith("heard_from/")


@dataclass(frozen=True)
class ColumnMatch:
    """Where the standard fields are in a file.

    ``fields`` maps a standard field to its column, ``onehot`` a channel to its
    one-hot ``heard_from`` column; ``ignored`` lists the columns that match
    nothing (metadata and extra questions).
    """

    fields: Mapping[str, str]
    onehot: Mapping[str, str]
    ignored: tuple[str, ...]


def _mapped_columns(headers: list[str], columns: Mapping[str, str], vocab: _Vocabulary,
                    file: str) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Apply a user column mapping: the fields and one-hot channels it assigns, and every column it names."""
    fields: dict[str, str] = {}
    onehot: dict[str, str] = {}
    taken: set[str] = set()
    by_lower = {norm_text(h): h for h in headers}
    for key, value in columns.items():
        key, value = str(key), str(value)
        target, src = key, value
        if not vocab.is_field(key) and vocab.is_field(value):
            target, src = value, key  # mapping written as {your column: standard field}
        col = src if src in headers else by_lower.get(norm_text(src))
        if col is None:
            raise InputError(f"the column mapping names column '{src}', which is not in the file",
                             file=file or None, field=target)
        if target.startswith("heard_from/"):
            ch = vocab.channel(target.split("/", 1)[1])
            if ch is None:
                raise InputError(f"unknown channel in the column mapping: '{target}'", field=target)
            onehot[ch] = col
        elif norm_text(target) in vocab.alias_to_field:
            fields[vocab.alias_to_field[norm_text(target)]] = col
        else:
            raise InputError(f"unknown survey field '{target}' in the column mapping "
                             f"(known: {', '.join(FIELD_ALIASES)})", field=target)
        taken.add(col)
    return fields, onehot, taken


def _onehot_channel(header: str, segs: list[str], last: str, vocab: _Vocabulary) -> str | None:
    """The channel of a one-hot select_multiple column (``heard_from/loudspeaker``,
    ``grp_heard_from_loudspeaker``, ``<label>/<label>``), or None."""
    heard_aliases = FIELD_ALIASES["heard_from"]
    if len(segs) >= 2 and (segs[-2] in heard_aliases or vocab.labels.get(segs[-2]) == "heard_from"
                           or any(segs[-2].endswith("_" + a) for a in heard_aliases)):
        channel = vocab.channel(last)
        if channel is not None:
            return channel
    if "/" in header:
        head, _, tail = header.rpartition("/")
        if vocab.labels.get(norm_text(head)) == "heard_from":
            channel = vocab.channel(tail)
            if channel is not None:
                return channel
    # The last spelling that matches wins.
    matches = [ch for a in heard_aliases for ch in CHANNELS
               if last == f"{a}_{ch}" or last.endswith(f"_{a}_{ch}") or last == f"{a}.{ch}"]
    return matches[-1] if matches else None


def _header_field(low: str, last: str, vocab: _Vocabulary) -> str | None:
    """The standard field a column name stands for: an alias, a question label or ``<prefix>_<alias>``."""
    if last in vocab.alias_to_field:
        return vocab.alias_to_field[last]
    if low in vocab.labels:
        return vocab.labels[low]
    if not last.startswith("_"):
        for a in vocab.suffixes:
            if last.endswith("_" + a):
                return vocab.alias_to_field[a]
    return None


def match_columns(
    headers: list[str],
    columns: Mapping[str, str] | None = None,
    questionnaire: Questionnaire = DEFAULT_QUESTIONNAIRE,
    *,
    file: str = "",
) -> ColumnMatch:
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
    ColumnMatch
        Standard field -> column, channel -> one-hot column, and the columns
        that match nothing.

    Raises
    ------
    InputError
        When the mapping names a column not in the file, an unknown field or an unknown channel.
    """
    vocab = _Vocabulary.of(questionnaire)
    fields, onehot, taken = _mapped_columns(headers, columns or {}, vocab, file)
    ignored: list[str] = []
    for h in headers:
        if h in taken:
            continue
        low = norm_text(h)
        segs = [s for s in re.split(r"[/:]|(?<=[a-z0-9])-(?=[a-z_])", low) if s]
        last = segs[-1] if segs else low
        channel = _onehot_channel(h, segs, last, vocab)
        if channel is not None:
            onehot.setdefault(channel, h)
            continue
        target_field = _header_field(low, last, vocab)
        if target_field is not None and target_field not in fields:
            fields[target_field] = h
        else:
            ignored.append(h)
    return ColumnMatch(fields, onehot, tuple(ignored))
