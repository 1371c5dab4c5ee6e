"""Synthetic survey answers from a known truth, for the demo and for testing the estimator.

Truth model (:class:`TruthModel`), for each indicator with area mean ``mu``::

    q_s ~ Beta(mu * kappa_sangkat, (1 - mu) * kappa_sangkat)      sangkat base level
    q_v ~ Beta(q_s * kappa_village, (1 - q_s) * kappa_village)    village base level
    logit p_i = logit q_v + setting shift + sex shift + type shift  respondent i

The setting shifts (rural lower, roadside higher), sex shifts (women lower than
men) and type shift (businesses higher than households) are small, so the
village truth stays close to the beta hierarchy that the estimator assumes;
the *true village awareness* reported in :class:`SyntheticTruth` is the
expected awareness of a respondent drawn by the survey design (the mix of sex
and respondent type), which is exactly what the village proportion estimates.
Aware respondents (of either office) name channels independently with
``channel_probs`` — public forums most often, then loudspeakers, as in the
seed report. Defaults are calibrated on that report: 1,469 respondents, 69 %
aware of the OWSO.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from ..model import District, Geography, Province, Sangkat, Setting, Village
from .questionnaire import CHANNELS

_AGE_GROUPS = ("18_24", "25_34", "35_44", "45_59", "60_plus")
_AGE_P = (0.16, 0.24, 0.22, 0.24, 0.14)
_SATISFACTION = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
_SATISFACTION_P = (0.30, 0.45, 0.15, 0.07, 0.03)
_SETTINGS: tuple[Setting, ...] = ("periurban", "rural", "rural", "roadside")  # of example villages, in turn


@dataclass(frozen=True)
class TruthModel:
    """Parameters of the synthetic population (see module docstring)."""

    owso_mean: float = 0.69
    ombudsman_mean: float = 0.45
    kappa_sangkat: float = 40.0
    kappa_village: float = 12.0
    female_logit: float = -0.2
    male_logit: float = 0.2
    business_logit: float = 0.4
    setting_logit: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"rural": -0.15, "periurban": 0.05, "roadside": 0.15})
    )
    female_share: float = 0.55
    business_share: float = 0.15
    channel_probs: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({
            "public_forum": 0.55, "loudspeaker": 0.38, "youth_volunteer": 0.18, "print": 0.15,
            "radio_tv": 0.12, "friends": 0.25, "social_media": 0.10, "other": 0.03,
        })
    )
    used_given_aware: float = 0.35


@dataclass(frozen=True)
class SyntheticTruth:
    """The realised truth behind one synthetic survey.

    ``village`` / ``sangkat`` map indicator -> code -> true awareness (sangkat
    values are household-weighted means of village truths); ``respondents``
    counts answers per village.
    """

    model: TruthModel
    village: Mapping[str, Mapping[str, float]]
    sangkat: Mapping[str, Mapping[str, float]]
    overall: Mapping[str, float]
    respondents: Mapping[str, int]


def _respondent_counts(rng: np.random.Generator, hh: np.ndarray, n: int, villages_surveyed: float) -> np.ndarray:
    """Which villages are visited, then respondents per village by household share."""
    visited = np.ones(len(hh), bool)
    if villages_surveyed < 1.0:
        k = max(1, int(round(villages_surveyed * len(hh))))
        visited[:] = False
        visited[rng.choice(len(hh), size=k, replace=False)] = True
    p_alloc = np.where(visited, hh, 0.0)
    return rng.multinomial(n, p_alloc / p_alloc.sum())


def _design_mix(tm: TruthModel) -> list[tuple[bool, bool, float]]:
    """(female, business, weight) of each respondent kind in the survey design."""
    mix = []
    for fem in (True, False):
        for bus in (True, False):
            w = ((tm.female_share if fem else 1 - tm.female_share)
                 * (tm.business_share if bus else 1 - tm.business_share))
            mix.append((fem, bus, w))
    return mix


@dataclass(frozen=True, eq=False)
class _Truths:
    """Village base logits of each indicator and the true awareness they imply."""

    base_logit: dict[str, np.ndarray]
    village: dict[str, dict[str, float]]
    sangkat: dict[str, dict[str, float]]
    overall: dict[str, float]


def _draw_truths(rng: np.random.Generator, tm: TruthModel, geography: Geography, vs: np.ndarray,
                 hh: np.ndarray) -> _Truths:
    """Sangkat and village awareness levels drawn from the beta hierarchy, per indicator."""
    villages = geography.villages
    codes = [v.code for v in villages]
    s_codes = [s.code for s in geography.sangkats]
    mix = _design_mix(tm)
    truths = _Truths({}, {}, {}, {})
    for ind, mu in (("owso", tm.owso_mean), ("ombudsman", tm.ombudsman_mean)):
        q_s = rng.beta(mu * tm.kappa_sangkat, (1 - mu) * tm.kappa_sangkat, size=len(s_codes))
        q_v = rng.beta(q_s[vs] * tm.kappa_village, (1 - q_s[vs]) * tm.kappa_village)
        q_v = np.clip(q_v, 1e-4, 1 - 1e-4)
        lg = logit(q_v) + np.array([tm.setting_logit.get(v.setting, 0.0) for v in villages])
        truths.base_logit[ind] = lg
        true_v = sum(
            w * expit(lg + (tm.female_logit if fem else tm.male_logit) + (tm.business_logit if bus else 0.0))
            for fem, bus, w in mix
        )
        truths.village[ind] = {c: float(t) for c, t in zip(codes, true_v)}
        truths.sangkat[ind] = {
            s: float((hh[vs == i] * true_v[vs == i]).sum() / hh[vs == i].sum()) for i, s in enumerate(s_codes)
        }
        truths.overall[ind] = float((hh * true_v).sum() / hh.sum())
    return truths


@dataclass(frozen=True, eq=False)
class _Answers:
    """One entry per respondent: booleans, and indices into the satisfaction and age scales."""

    female: np.ndarray
    business: np.ndarray
    knows_owso: np.ndarray
    knows_ombudsman: np.ndarray
    heard: np.ndarray  # respondents x CHANNELS
    used: np.ndarray
    satisfaction: np.ndarray
    age: np.ndarray


def _answers(rng: np.random.Generator, tm: TruthModel, base_logit: Mapping[str, np.ndarray],
             v_idx: np.ndarray) -> _Answers:
    """Every respondent's answers, drawn in a fixed order (the random stream depends on it)."""
    m = len(v_idx)
    female = rng.random(m) < tm.female_share
    business = rng.random(m) < tm.business_share
    shift = np.where(female, tm.female_logit, tm.male_logit) + np.where(business, tm.business_logit, 0.0)
    knows = {ind: rng.random(m) < expit(base_logit[ind][v_idx] + shift) for ind in base_logit}
    aware_any = knows["owso"] | knows["ombudsman"]
    ch_p = np.array([tm.channel_probs.get(c, 0.0) for c in CHANNELS])
    heard = (rng.random((m, len(CHANNELS))) < ch_p) & aware_any[:, None]
    none = aware_any & ~heard.any(axis=1)
    # Someone aware heard of it somewhere: draw one channel by the relative shares.
    heard[none, rng.choice(len(CHANNELS), size=int(none.sum()), p=ch_p / ch_p.sum())] = True
    used = knows["owso"] & (rng.random(m) < tm.used_given_aware)
    sat = rng.choice(len(_SATISFACTION), size=m, p=_SATISFACTION_P)
    ages = rng.choice(len(_AGE_GROUPS), size=m, p=_AGE_P)
    return _Answers(female, business, knows["owso"], knows["ombudsman"], heard, used, sat, ages)


def _export_frame(rng: np.random.Generator, geography: Geography, v_idx: np.ndarray,
                  a: _Answers) -> pd.DataFrame:
    """The answers as a Kobo-like export (names of the default questionnaire, metadata columns)."""
    villages = geography.villages
    m = len(v_idx)
    t0 = dt.datetime(2025, 3, 3, 8, 0)
    minutes = np.sort(rng.integers(0, 14 * 24 * 60, size=m))
    start = [t0 + dt.timedelta(minutes=int(x)) for x in minutes]
    yn = np.array(["no", "yes"])
    return pd.DataFrame({
        "start": [t.isoformat(timespec="seconds") for t in start],
        "end": [(t + dt.timedelta(minutes=9)).isoformat(timespec="seconds") for t in start],
        "sangkat": [villages[i].sangkat_code for i in v_idx],
        "village": [villages[i].code for i in v_idx],
        "respondent_type": np.where(a.business, "business", "household"),
        "sex": np.where(a.female, "female", "male"),
        "age_group": [_AGE_GROUPS[x] for x in a.age],
        "knows_owso": yn[a.knows_owso.astype(int)],
        "knows_ombudsman": yn[a.knows_ombudsman.astype(int)],
        "heard_from": [" ".join(c for c, h in zip(CHANNELS, row) if h) for row in a.heard],
        "used_owso": np.where(a.knows_owso, yn[a.used.astype(int)], ""),
        "satisfaction": np.where(a.used, [_SATISFACTION[s] for s in a.satisfaction], ""),
        "_uuid": [f"{x:032x}" for x in rng.integers(0, 2**62, size=m)],
        "_submission_time": [(t + dt.timedelta(hours=3)).isoformat(timespec="seconds") for t in start],
    })


def synthetic_survey(
    geography: Geography,
    *,
    n: int = 1500,
    seed: int = 0,
    truth: TruthModel | None = None,
    villages_surveyed: float = 1.0,
) -> tuple[pd.DataFrame, SyntheticTruth]:
    """Draw a survey export from a known truth.

    Parameters
    ----------
    geography : Geography
        The campaign area.
    n : int, optional
        Respondents, spread over villages in proportion to households.
    seed : int, optional
        Random seed (same seed, same survey).
    truth : TruthModel, optional
        Truth parameters; defaults to :class:`TruthModel()`.
    villages_surveyed : float, optional
        Share of villages visited by enumerators (the rest get no answers).

    Returns
    -------
    frame : DataFrame
        One row per respondent, in the default questionnaire's column names and
        answer names (plus Kobo-like ``_uuid``, ``_submission_time``, ``start``, ``end``).
    truth : SyntheticTruth
        True awareness per village and sangkat.
    """
    tm = truth or TruthModel()
    rng = np.random.default_rng(seed)
    villages = geography.villages
    s_codes = [s.code for s in geography.sangkats]
    vs = np.array([s_codes.index(v.sangkat_code) for v in villages])
    hh = np.array([max(v.households, 1) for v in villages], dtype=float)
    # One random stream, drawn in this order: visited villages and counts, truths, answers, metadata.
    counts = _respondent_counts(rng, hh, n, villages_surveyed)
    truths = _draw_truths(rng, tm, geography, vs, hh)
    v_idx = np.repeat(np.arange(len(villages)), counts)
    answers = _answers(rng, tm, truths.base_logit, v_idx)
    frame = _export_frame(rng, geography, v_idx, answers)
    return frame, SyntheticTruth(
        model=tm,
        village=MappingProxyType({k: MappingProxyType(v) for k, v in truths.village.items()}),
        sangkat=MappingProxyType({k: MappingProxyType(v) for k, v in truths.sangkat.items()}),
        overall=MappingProxyType(truths.overall),
        respondents=MappingProxyType({v.code: int(k) for v, k in zip(villages, counts)}),
    )


def example_geography(n_sangkats: int = 4, villages_per_sangkat: int = 8, *, seed: int = 0) -> Geography:
    """A small invented district (province code 99) for tests and demos without data files.

    Parameters
    ----------
    n_sangkats : int, optional
        Number of sangkats.
    villages_per_sangkat : int, optional
        Villages per sangkat.
    seed : int, optional
        Seed for households and settings.

    Returns
    -------
    Geography
        Codes ``99010101`` ... with invented English and Khmer names.
    """
    rng = np.random.default_rng(seed)
    khmer_digits = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
    prov = Province("99", "Example Province", "ខេត្តគំរូ")
    dist = District("9901", "Example District", "ស្រុកគំរូ", "99")
    sangkats, villages = [], []
    for s in range(1, n_sangkats + 1):
        sc = f"9901{s:02d}"
        sangkats.append(Sangkat(sc, f"Sangkat {s}", f"សង្កាត់ទី{str(s).translate(khmer_digits)}", "9901"))
        for j in range(1, villages_per_sangkat + 1):
            setting = _SETTINGS[(s + j) % 4]
            hh = int(rng.integers(80, 450)) if setting == "rural" else int(rng.integers(200, 900))
            lon, lat = 103.9 + 0.02 * s + 0.003 * j, 12.5 + 0.01 * j
            villages.append(Village(
                code=f"{sc}{j:02d}", name_en=f"Phum {s}-{j}",
                name_kh=f"ភូមិ {str(s).translate(khmer_digits)}-{str(j).translate(khmer_digits)}",
                sangkat_code=sc, district_code="9901", province_code="99",
                lon=lon, lat=lat, x_m=0.0, y_m=0.0, households=hh,
                population=hh * 4, women=hh * 2, men=hh * 2, setting=setting,
                position_source="synthetic", market=(j == 1),
            ))
    return Geography((prov,), (dist,), tuple(sangkats), tuple(villages), synthetic_positions=True)
