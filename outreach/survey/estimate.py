"""Awareness estimates with hierarchical shrinkage (empirical Bayes beta-binomial).

Model, for one indicator (knows the OWSO, knows the Ombudsman)::

    p_s ~ Beta(mu_d * k_s, (1 - mu_d) * k_s)       sangkat s in district d
    p_v ~ Beta(p_s * k_v, (1 - p_s) * k_v)         village v in sangkat s
    y_v ~ Binomial(n_v, p_v)                       aware respondents in village v

``mu_d`` is the district's pooled proportion. The concentrations ``k_s`` and
``k_v`` are fitted by maximising the beta-binomial marginal likelihood
(type-II maximum likelihood) over sangkat totals and village counts
respectively. To avoid using a village's answers twice, the sangkat mean that
serves as the prior of village ``v`` is computed leaving ``v`` out (both when
fitting ``k_v`` and when forming the posterior); its remaining uncertainty is
added to the village prior variance by moment matching, so the prior is
``Beta(m k', (1 - m) k')`` with ``m(1 - m)/(k' + 1) = E[p_s(1-p_s)]/(k_v + 1) + Var(p_s)``.
A village with 3 answers therefore sits close to its sangkat; one with 80
answers close to its own proportion. Villages without answers get the
sangkat's predictive distribution (``source="sangkat"``), or the district's
when the sangkat has no answers either (``source="district"``).

Sangkat, district and area estimates are household-weighted means of the
village awareness (Monte Carlo over the village posteriors, fixed seed), so a
sangkat estimate describes its population even when the sample is not
proportional. Group estimates (sex, respondent type) and channel shares are
respondent proportions with a Jeffreys prior whose counts are divided by the
Kish design effect ``1 + (m - 1) / (k_v + 1)`` of the village clustering.
Intervals are equal-tailed 90 % Beta posterior (or Monte Carlo) quantiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..errors import InputError
from ..model import Estimate, Geography
from .importer import ImportReport, SurveyData
from .questionnaire import CHANNELS

INDICATORS: tuple[str, ...] = ("owso", "ombudsman")
_COLUMN = {"owso": "knows_owso", "ombudsman": "knows_ombudsman"}
_GROUPS = (("sex", "F"), ("sex", "M"), ("type", "household"), ("type", "business"))
_KAPPA_BOUNDS = (0.5, 1e5)
#: The estimate of a proportion nobody answered.
NO_ESTIMATE = Estimate(float("nan"), float("nan"), float("nan"), 0)


@dataclass(frozen=True)
class PriorFit:
    """Fitted hierarchy of one indicator."""

    indicator: str
    district_mean: Mapping[str, float]
    kappa_sangkat: float
    kappa_village: float
    design_effect: float


@dataclass(frozen=True, eq=False)
class SurveyResult:
    """All estimates of one survey.

    Mappings are keyed by indicator (``"owso"``, ``"ombudsman"``) and then by
    code or group key (``"sex=F"``, ``"type=business"``; per sangkat
    ``"<sangkat code>|sex=F"``). ``village`` holds shrunk estimates for every
    village of the geography; ``village_raw`` the plain proportions of villages
    with answers; ``village_source`` says what each village estimate rests on.
    """

    geography: Geography
    respondents: int
    village: Mapping[str, Mapping[str, Estimate]]
    village_raw: Mapping[str, Mapping[str, Estimate]]
    village_source: Mapping[str, str]
    sangkat: Mapping[str, Mapping[str, Estimate]]
    overall: Mapping[str, Estimate]
    district: Mapping[str, Mapping[str, Estimate]]
    groups: Mapping[str, Mapping[str, Estimate]]
    sangkat_groups: Mapping[str, Mapping[str, Estimate]]
    channels: Mapping[str, Estimate]
    prior: Mapping[str, PriorFit]
    level: float
    method: str
    import_report: ImportReport | None = None


# --------------------------------------------------------------------------- building blocks
def beta_interval(a: float, b: float, level: float = 0.90, n: int = 0) -> Estimate:
    """Mean and equal-tailed interval of a Beta(a, b) distribution."""
    tail = (1.0 - level) / 2.0
    lo, hi = stats.beta.ppf([tail, 1.0 - tail], a, b)
    return Estimate(float(a / (a + b)), float(lo), float(hi), int(n))


def jeffreys(y: float, n: float, level: float = 0.90, deff: float = 1.0, n_report: int | None = None) -> Estimate:
    """Proportion ``y/n`` with a Jeffreys Beta(1/2, 1/2) interval on design-effect-deflated counts."""
    if n <= 0:
        return NO_ESTIMATE
    ye, ne = y / deff, n / deff
    e = beta_interval(ye + 0.5, ne - ye + 0.5, level, int(n if n_report is None else n_report))
    # Report the plain proportion as the point estimate (the interval carries the prior).
    return Estimate(float(y / n), e.lo, e.hi, e.n)


def _betabinom_logpmf(y: np.ndarray, n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Beta-binomial log pmf written with gamma functions, so counts may be fractional."""
    log_choose = special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1)
    return log_choose + special.betaln(y + a, n - y + b) - special.betaln(a, b)


def fit_concentration(y: np.ndarray, n: np.ndarray, mean: np.ndarray) -> float:
    """Concentration ``k`` maximising the beta-binomial marginal likelihood.

    Parameters
    ----------
    y, n : array
        Successes and trials per unit (units with ``n == 0`` are ignored).
    mean : array
        Prior mean of each unit's proportion.

    Returns
    -------
    float
        ``k`` in [0.5, 1e5]; the upper bound means "no extra-binomial spread"
        (complete pooling), returned too when fewer than two units have data.
    """
    mask = n > 0
    y, n, m = y[mask], n[mask], np.clip(mean[mask], 1e-4, 1 - 1e-4)
    if mask.sum() < 2:
        return _KAPPA_BOUNDS[1]

    def nll(t: float) -> float:
        k = math.exp(t)
        # Hyperprior p(mean, k) ~ k^(-3/2) (Gelman et al.'s (a+b)^(-5/2)), i.e. k^(-1/2) on log k:
        # with only a handful of sangkats the plain likelihood often runs to "no spread".
        return -float(_betabinom_logpmf(y, n, m * k, (1 - m) * k).sum()) + 0.5 * t

    lo, hi = (math.log(b) for b in _KAPPA_BOUNDS)
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-3})
    return float(math.exp(res.x))


def _weights(households: np.ndarray) -> np.ndarray:
    h = households.astype(float)
    return h if h.sum() > 0 else np.ones_like(h)


# --------------------------------------------------------------------------- one indicator
@dataclass(frozen=True)
class _Fit:
    village: dict[str, Estimate]
    raw: dict[str, Estimate]
    source: dict[str, str]
    sangkat: dict[str, Estimate]
    district: dict[str, Estimate]
    overall: Estimate
    prior: PriorFit


@dataclass(frozen=True, eq=False)
class _Counts:
    """One indicator's answers laid out on the geography: per village, sangkat and district.

    ``vs`` is the sangkat index of each village, ``sd`` the district index of
    each sangkat; ``y`` counts aware respondents, ``n`` respondents.
    """

    vcodes: list[str]
    s_codes: list[str]
    d_codes: list[str]
    vs: np.ndarray
    sd: np.ndarray
    y: np.ndarray
    n: np.ndarray
    hh: np.ndarray
    y_s: np.ndarray
    n_s: np.ndarray
    y_d: np.ndarray
    n_d: np.ndarray


def _counts(indicator: str, frame: pd.DataFrame, geo: Geography) -> _Counts | None:
    """Answer counts of one indicator, or None when nobody answered it."""
    col = _COLUMN[indicator]
    sub = frame.loc[frame[col].notna(), ["village_code", col]]
    if sub.empty:
        return None
    vcodes = [v.code for v in geo.villages]
    agg = sub.groupby("village_code")[col].agg(["sum", "count"])
    y = agg["sum"].reindex(vcodes, fill_value=0).to_numpy(float)
    n = agg["count"].reindex(vcodes, fill_value=0).to_numpy(float)
    hh = np.array([v.households for v in geo.villages], dtype=float)

    s_codes = [s.code for s in geo.sangkats]
    s_idx = {c: i for i, c in enumerate(s_codes)}
    vs = np.array([s_idx[v.sangkat_code] for v in geo.villages])
    d_codes = [d.code for d in geo.districts] or sorted({v.district_code for v in geo.villages})
    d_idx = {c: i for i, c in enumerate(d_codes)}
    sd = np.array([d_idx[s.district_code] for s in geo.sangkats])

    y_s = np.bincount(vs, y, len(s_codes))
    n_s = np.bincount(vs, n, len(s_codes))
    y_d = np.bincount(sd, y_s, len(d_codes))
    n_d = np.bincount(sd, n_s, len(d_codes))
    return _Counts(vcodes, s_codes, d_codes, vs, sd, y, n, hh, y_s, n_s, y_d, n_d)


def _district_means(c: _Counts) -> np.ndarray:
    """District means (Jeffreys-smoothed); a district without answers borrows the area mean."""
    area = (c.y.sum() + 0.5) / (c.n.sum() + 1.0)
    return np.where(c.n_d > 0, (c.y_d + 0.5) / (c.n_d + 1.0), area)


@dataclass(frozen=True, eq=False)
class _Hierarchy:
    """Fitted concentrations and what the village priors rest on.

    ``deff_s`` is the design effect of each sangkat's total; ``m_loo`` and
    ``var_loo`` the mean and variance of each village's leave-one-out sangkat level.
    """

    k_s: float
    k_v: float
    rho: float
    deff_s: np.ndarray
    m_loo: np.ndarray
    var_loo: np.ndarray


def _fit_hierarchy(c: _Counts, mu_s: np.ndarray) -> _Hierarchy:
    """Sangkat and village concentrations by marginal likelihood."""
    y, n, vs, y_s, n_s = c.y, c.n, c.vs, c.y_s, c.n_s
    # Village answers are clustered, so a sangkat total carries less information than its
    # respondent count: deflate sangkat counts by the Kish design effect 1 + (m - 1) rho,
    # rho = 1 / (k_v + 1). k_v needs the sangkat means and vice versa: two passes suffice.
    m_bar_s = np.bincount(vs, n * n, len(c.s_codes)) / np.maximum(n_s, 1)
    rho = 0.0
    for _ in range(2):
        deff_s = np.maximum(1.0, 1.0 + (m_bar_s - 1.0) * rho)
        k_s = fit_concentration(y_s / deff_s, n_s / deff_s, mu_s)
        # Leave-one-village-out sangkat posterior, the prior mean of each village.
        dv = deff_s[vs]
        a_loo = mu_s[vs] * k_s + (y_s[vs] - y) / dv
        b_loo = (1 - mu_s[vs]) * k_s + ((n_s[vs] - y_s[vs]) - (n - y)) / dv
        m_loo = a_loo / (a_loo + b_loo)
        var_loo = m_loo * (1 - m_loo) / (a_loo + b_loo + 1)
        k_v = fit_concentration(y, n, m_loo)
        rho = 1.0 / (k_v + 1.0)
    return _Hierarchy(k_s, k_v, rho, deff_s, m_loo, var_loo)


def _village_estimates(
    c: _Counts, h: _Hierarchy, level: float
) -> tuple[dict[str, Estimate], dict[str, Estimate], dict[str, str]]:
    """Shrunk village estimates, raw proportions of villages with answers, and what each rests on."""
    y, n, m_loo, var_loo = c.y, c.n, h.m_loo, h.var_loo
    # Moment-matched village prior: within-sangkat spread plus sangkat-mean uncertainty.
    spread = (m_loo * (1 - m_loo) - var_loo) / (h.k_v + 1) + var_loo
    k_eff = np.maximum(m_loo * (1 - m_loo) / spread - 1, 1e-3)
    a_v = m_loo * k_eff + y
    b_v = (1 - m_loo) * k_eff + (n - y)

    tail = (1 - level) / 2
    lo = stats.beta.ppf(tail, a_v, b_v)
    hi = stats.beta.ppf(1 - tail, a_v, b_v)
    mean = a_v / (a_v + b_v)
    village: dict[str, Estimate] = {}
    raw: dict[str, Estimate] = {}
    source: dict[str, str] = {}
    for i, code in enumerate(c.vcodes):
        village[code] = Estimate(float(mean[i]), float(lo[i]), float(hi[i]), int(n[i]))
        if n[i] > 0:
            raw[code] = jeffreys(y[i], n[i], level)
        source[code] = "village" if n[i] > 0 else ("sangkat" if c.n_s[c.vs[i]] > 0 else "district")
    return village, raw, source


def _population_estimates(
    c: _Counts, h: _Hierarchy, mu_s: np.ndarray, level: float, draws: int, seed: int
) -> tuple[dict[str, Estimate], dict[str, Estimate], Estimate]:
    """Household-weighted sangkat, district and area estimates by Monte Carlo.

    Each sangkat level is drawn from its (deflated) posterior, then every village
    given it, so villages of a sangkat share its error.
    """
    y, n, vs, sd = c.y, c.n, c.vs, c.sd
    tail = (1 - level) / 2
    rng = np.random.default_rng(seed)
    a_s = mu_s * h.k_s + c.y_s / h.deff_s
    b_s = (1 - mu_s) * h.k_s + (c.n_s - c.y_s) / h.deff_s
    p_s = np.clip(rng.beta(a_s[:, None], b_s[:, None], size=(len(c.s_codes), draws)), 1e-6, 1 - 1e-6)
    kk = min(h.k_v, 1e4)
    ps = p_s[vs]
    p_v = rng.beta(ps * kk + y[:, None], (1 - ps) * kk + (n - y)[:, None])
    w = _weights(c.hh)

    def pooled(mask: np.ndarray, n_resp: int) -> Estimate:
        ww = w[mask]
        s = (ww[:, None] * p_v[mask]).sum(0) / ww.sum()
        q = np.quantile(s, [tail, 1 - tail])
        return Estimate(float(s.mean()), float(q[0]), float(q[1]), n_resp)

    sangkat = {code: pooled(vs == i, int(c.n_s[i])) for i, code in enumerate(c.s_codes)}
    vd = sd[vs]
    district = {code: pooled(vd == i, int(c.n_d[i])) for i, code in enumerate(c.d_codes)}
    overall = pooled(np.ones(len(c.vcodes), bool), int(n.sum()))
    return sangkat, district, overall


def _fit_indicator(
    indicator: str, frame: pd.DataFrame, geo: Geography, level: float, draws: int, seed: int
) -> _Fit | None:
    """Fit one indicator's hierarchy and its estimates; None when nobody answered it."""
    c = _counts(indicator, frame, geo)
    if c is None:
        return None
    mu_d = _district_means(c)
    mu_s = mu_d[c.sd]
    h = _fit_hierarchy(c, mu_s)
    village, raw, source = _village_estimates(c, h, level)
    sangkat, district, overall = _population_estimates(c, h, mu_s, level, draws, seed)

    # Kish design effect of the village clustering, for respondent-level proportions.
    n = c.n
    m_bar = float((n**2).sum() / n.sum()) if n.sum() > 0 else 1.0
    deff = max(1.0, 1.0 + (m_bar - 1.0) * h.rho)
    prior = PriorFit(indicator, MappingProxyType(dict(zip(c.d_codes, map(float, mu_d)))), h.k_s, h.k_v, deff)
    return _Fit(village, raw, source, sangkat, district, overall, prior)


# --------------------------------------------------------------------------- public
def _check_answers(frame: pd.DataFrame, geography: Geography) -> None:
    if frame["knows_owso"].notna().sum() == 0:
        raise InputError("the survey has no answer to 'knows_owso'", field="knows_owso")
    unknown = set(frame["village_code"]) - set(geography.village_by_code)
    if unknown:
        raise InputError(f"{len(unknown)} survey villages are not in the campaign area "
                         f"(e.g. {sorted(unknown)[0]})", field="village")


def _group_estimates(
    frame: pd.DataFrame, fits: Mapping[str, _Fit], level: float
) -> tuple[dict[str, Mapping[str, Estimate]], dict[str, Mapping[str, Estimate]]]:
    """Respondent proportions by sex and respondent type: area-wide and per sangkat."""
    groups: dict[str, Mapping[str, Estimate]] = {}
    sangkat_groups: dict[str, Mapping[str, Estimate]] = {}
    for ind, f in fits.items():
        col = _COLUMN[ind]
        sub = frame.loc[frame[col].notna()]
        g: dict[str, Estimate] = {}
        sg: dict[str, Estimate] = {}
        deff = f.prior.design_effect
        for key, val in _GROUPS:
            src = "sex" if key == "sex" else "respondent_type"
            sel = sub.loc[sub[src] == val, col]
            g[f"{key}={val}"] = jeffreys(float(sel.sum()), float(len(sel)), level, deff)
            by_s = sub.loc[sub[src] == val].groupby("sangkat_code")[col].agg(["sum", "count"])
            for sk, row in by_s.iterrows():
                sg[f"{sk}|{key}={val}"] = jeffreys(float(row["sum"]), float(row["count"]), level, deff)
        groups[ind] = MappingProxyType(g)
        sangkat_groups[ind] = MappingProxyType(sg)
    return groups, sangkat_groups


def _channel_shares(frame: pd.DataFrame, fits: Mapping[str, _Fit], level: float) -> dict[str, Estimate]:
    """Channel shares among respondents aware of either office who answered "heard from"."""
    heard_cols = [f"heard_{c}" for c in CHANNELS]
    answered = frame[heard_cols].notna().any(axis=1)
    base = int(answered.sum())
    deff = fits["owso"].prior.design_effect if "owso" in fits else 1.0
    return {
        c: jeffreys(float(frame.loc[answered, f"heard_{c}"].fillna(0).sum()), float(base), level, deff)
        for c in CHANNELS
    }


def estimate(
    data: SurveyData | pd.DataFrame,
    geography: Geography,
    *,
    level: float = 0.90,
    draws: int = 4000,
    seed: int = 20240,
) -> SurveyResult:
    """Estimate awareness per village, sangkat, district and group, and channel shares.

    Parameters
    ----------
    data : SurveyData or DataFrame
        Output of :func:`~outreach.survey.importer.import_survey` (or its ``frame``).
    geography : Geography
        The campaign area; every village gets an estimate.
    level : float, optional
        Interval level (default 0.90).
    draws : int, optional
        Monte Carlo draws for household-weighted sangkat / district estimates.
    seed : int, optional
        Seed of those draws (results are reproducible).

    Returns
    -------
    SurveyResult

    Raises
    ------
    InputError
        When no respondent answered ``knows_owso`` or the data hold villages
        outside the geography.
    """
    frame = data.frame if isinstance(data, SurveyData) else data
    report = data.report if isinstance(data, SurveyData) else None
    _check_answers(frame, geography)

    fits: dict[str, _Fit] = {}
    for k, ind in enumerate(INDICATORS):
        f = _fit_indicator(ind, frame, geography, level, draws, seed + k)
        if f is not None:
            fits[ind] = f

    village = {ind: MappingProxyType(f.village) for ind, f in fits.items()}
    for ind in INDICATORS:  # an indicator nobody answered: explicit NaN estimates
        if ind not in fits:
            village[ind] = MappingProxyType({v.code: NO_ESTIMATE for v in geography.villages})
    groups, sangkat_groups = _group_estimates(frame, fits, level)

    return SurveyResult(
        geography=geography,
        respondents=int(len(frame)),
        village=MappingProxyType(village),
        village_raw=MappingProxyType({i: MappingProxyType(f.raw) for i, f in fits.items()}),
        village_source=MappingProxyType(dict(fits["owso"].source)),
        sangkat=MappingProxyType({i: MappingProxyType(f.sangkat) for i, f in fits.items()}),
        overall=MappingProxyType({i: f.overall for i, f in fits.items()}),
        district=MappingProxyType({i: MappingProxyType(f.district) for i, f in fits.items()}),
        groups=MappingProxyType(groups),
        sangkat_groups=MappingProxyType(sangkat_groups),
        channels=MappingProxyType(_channel_shares(frame, fits, level)),
        prior=MappingProxyType({i: f.prior for i, f in fits.items()}),
        level=level,
        method=(
            "beta-binomial empirical Bayes (village <- sangkat <- district), concentrations by "
            f"marginal likelihood; {int(level * 100)} % Beta posterior intervals; household-weighted "
            "sangkat/district estimates by Monte Carlo"
        ),
        import_report=report,
    )
