"""From awareness estimates to campaign priorities: unaware households, scores and sangkat targets.

* Expected unaware households of a village = households x (1 - awareness of the
  OWSO); its interval maps the awareness interval (``lo`` uses the upper
  awareness bound).
* Score = unaware households x (1 + sum of weights x factors), factors in [0, 1]:
  ``women`` (women's share of the village population, 0.5 when unknown),
  ``business`` (1 for market villages), ``rural`` (1 for rural villages),
  ``ombudsman`` (share unaware of the Ombudsman). No weights: score = unaware households.
* Sangkat target: raise awareness to ``target_awareness`` (a number, or a mapping
  by sangkat code); by default a quarter of the gap to 100 % above the baseline,
  rounded up to 5 points, capped at 95 %; ``passes`` loudspeaker passes (default 2).
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Mapping

from scipy import stats

from ..errors import InputError
from ..model import Estimate, Geography, Priorities, SangkatTarget, Village, VillagePriority
from .estimate import NO_ESTIMATE, SurveyResult
from .questionnaire import CHANNELS

WEIGHT_KEYS = ("women", "business", "rural", "ombudsman")


def default_target(baseline: float) -> float:
    """Default awareness target: baseline + 25 % of the remaining gap, rounded up to 5 points, <= 95 %."""
    if math.isnan(baseline):
        return 0.5
    raw = baseline + 0.25 * (1.0 - baseline)
    return min(0.95, math.ceil(raw * 20 - 1e-9) / 20)


def _unaware(households: int, a: Estimate) -> Estimate:
    return Estimate(households * (1 - a.mean), households * (1 - a.hi), households * (1 - a.lo), a.n)


def _factors(v: Village, omb: Estimate) -> dict[str, float]:
    people = v.women + v.men
    return {
        "women": v.women / people if people > 0 else 0.5,
        "business": 1.0 if v.market else 0.0,
        "rural": 1.0 if v.setting == "rural" else 0.0,
        "ombudsman": 0.0 if math.isnan(omb.mean) else 1.0 - omb.mean,
    }


def _score(v: Village, unaware: Estimate, omb: Estimate, weights: Mapping[str, float]) -> float:
    f = _factors(v, omb)
    return float(unaware.mean * (1.0 + sum(w * f[k] for k, w in weights.items())))


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(weights or {})
    for k, val in w.items():
        if k not in WEIGHT_KEYS:
            raise InputError(f"unknown priority weight '{k}' (use {', '.join(WEIGHT_KEYS)})", field=f"weights.{k}")
        if not (isinstance(val, (int, float)) and val >= 0):
            raise InputError(f"priority weight '{k}' must be a number >= 0", field=f"weights.{k}")
    return w


def _per_sangkat(value: float | Mapping[str, float] | None, code: str, fallback: float) -> float:
    if value is None:
        return fallback
    if isinstance(value, Mapping):
        return float(value.get(code, fallback))
    return float(value)


def _targets(
    geography: Geography,
    baseline: Mapping[str, Estimate],
    target_awareness: float | Mapping[str, float] | None,
    passes: int | Mapping[str, int],
) -> dict[str, SangkatTarget]:
    out = {}
    for s in geography.sangkats:
        b = baseline[s.code]
        t = _per_sangkat(target_awareness, s.code, default_target(b.mean))
        if not 0.0 <= t <= 1.0:
            raise InputError(f"target awareness {t} for sangkat {s.code} must be between 0 and 1",
                             field="target_awareness")
        p = int(passes.get(s.code, 2) if isinstance(passes, Mapping) else passes)
        if p < 0:
            raise InputError("loudspeaker passes must be >= 0", field="passes")
        out[s.code] = SangkatTarget(s.code, b, t, p)
    return out


def build_priorities(
    survey_result: SurveyResult,
    geography: Geography,
    *,
    weights: Mapping[str, float] | None = None,
    target_awareness: float | Mapping[str, float] | None = None,
    passes: int | Mapping[str, int] = 2,
) -> Priorities:
    """Turn survey estimates into per-village priorities and per-sangkat targets.

    Parameters
    ----------
    survey_result : SurveyResult
        Output of :func:`~outreach.survey.estimate.estimate`.
    geography : Geography
        The campaign area (households, settings); should be the one estimated on.
    weights : mapping, optional
        Score weights by factor: ``women``, ``business``, ``rural``, ``ombudsman``.
    target_awareness : float or mapping, optional
        Target awareness (0-1) for every sangkat, or by sangkat code; default
        from the baseline (see :func:`default_target`).
    passes : int or mapping, optional
        Loudspeaker passes per sangkat (default 2).

    Returns
    -------
    Priorities
        ``source`` of each village says whether its estimate rests on its own
        answers (``village``), or on its sangkat / district (no own answers).
    """
    w = _check_weights(weights)
    owso = survey_result.village["owso"]
    omb = survey_result.village["ombudsman"]
    district = survey_result.overall["owso"]
    by_village: dict[str, VillagePriority] = {}
    for v in geography.villages:
        a = owso.get(v.code)
        src = survey_result.village_source.get(v.code, "district")
        if a is None:  # village outside the estimated geography: fall back on the area estimate
            a, src = Estimate(district.mean, district.lo, district.hi, 0), "district"
        o = omb.get(v.code, NO_ESTIMATE)
        un = _unaware(v.households, a)
        by_village[v.code] = VillagePriority(v.code, a, o, un, _score(v, un, o, w), src)  # type: ignore[arg-type]

    sangkat = dict(survey_result.sangkat["owso"])
    for s in geography.sangkats:
        sangkat.setdefault(s.code, district)
    groups = {k: e for k, e in survey_result.groups.get("owso", {}).items()}
    for k, e in survey_result.groups.get("ombudsman", {}).items():
        groups[f"ombudsman:{k}"] = e
    return Priorities(
        by_village=MappingProxyType(by_village),
        by_sangkat=MappingProxyType(sangkat),
        district=district,
        by_group=MappingProxyType(groups),
        channel_shares=MappingProxyType({c: e.mean for c, e in survey_result.channels.items()}),
        targets=MappingProxyType(_targets(geography, sangkat, target_awareness, passes)),
        respondents=survey_result.respondents,
        method=survey_result.method + ("; score weights " + ", ".join(f"{k}={v}" for k, v in w.items()) if w else ""),
    )


def default_priorities(
    geography: Geography,
    baseline: float = 0.3,
    *,
    weights: Mapping[str, float] | None = None,
    target_awareness: float | Mapping[str, float] | None = None,
    passes: int | Mapping[str, int] = 2,
    concentration: float = 10.0,
) -> Priorities:
    """Priorities when there is no survey: every village at an assumed baseline awareness.

    Parameters
    ----------
    geography : Geography
        The campaign area.
    baseline : float, optional
        Assumed awareness of the OWSO and the Ombudsman (default 0.3).
    weights, target_awareness, passes
        As in :func:`build_priorities`.
    concentration : float, optional
        The assumption is a Beta(baseline x c, (1 - baseline) x c) distribution;
        its 90 % interval is reported, so the uncertainty stays visible (c = 10
        gives roughly 0.10-0.56 around 0.3).

    Returns
    -------
    Priorities
        All villages with ``source="default"`` and ``respondents=0``.
    """
    if not 0.0 < baseline < 1.0:
        raise InputError("baseline awareness must be between 0 and 1 (exclusive)", field="baseline")
    w = _check_weights(weights)
    a_, b_ = baseline * concentration, (1 - baseline) * concentration
    lo, hi = stats.beta.ppf([0.05, 0.95], a_, b_)
    est = Estimate(baseline, float(lo), float(hi), 0)
    by_village = {}
    for v in geography.villages:
        un = _unaware(v.households, est)
        by_village[v.code] = VillagePriority(v.code, est, est, un, _score(v, un, est, w), "default")
    sangkat = {s.code: est for s in geography.sangkats}
    return Priorities(
        by_village=MappingProxyType(by_village),
        by_sangkat=MappingProxyType(sangkat),
        district=est,
        by_group=MappingProxyType({}),
        channel_shares=MappingProxyType({c: float("nan") for c in CHANNELS}),
        targets=MappingProxyType(_targets(geography, sangkat, target_awareness, passes)),
        respondents=0,
        method=f"no survey: assumed awareness {baseline:.0%} (Beta, concentration {concentration:g})",
    )
