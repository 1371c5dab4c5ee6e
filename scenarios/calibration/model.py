"""The calibration's statistical model: priors, the emulated figures, and the ABC simulator over them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from outreach.errors import InputError
from outreach.parameters import DEFAULTS

from .abc import Prior, Simulator
from .emulator import Emulator
from .observed import Observation
from .registry import FIGURES, FITTED, Fitted

Arr = NDArray[np.float64]


def build_priors(fitted: Sequence[Fitted] = FITTED) -> tuple[Prior, ...]:
    """One prior per fitted parameter, on its documented range (or the narrower one the registry gives)."""
    out = []
    for f in fitted:
        if f.key not in DEFAULTS:
            raise InputError(f"fitted parameter '{f.key}' is not in outreach/parameters.py", field=f.key)
        p = DEFAULTS[f.key]
        out.append(Prior(f.key, p.low if f.low is None else f.low, p.high if f.high is None else f.high, f.beta))
    return tuple(out)


#: A parameter is *informed* by the figures when its posterior sd is at least this much below its prior sd ...
MIN_CONTRACTION = 0.2
#: ... or its posterior mean moved at least this many prior sds. Below both, the posterior is its prior up to the
#: ABC's own noise (with one figure pinning one of 20 parameters, 1,000 particles, effective size 184, the 19 flat
#: ones showed contractions within +-0.07 and shifts within +-0.25), and its mean is only the range's midpoint:
#: that is no reason to replace a documented value.
MIN_SHIFT = 0.5


def prior_moments(p: Prior) -> tuple[float, float]:
    """Mean and standard deviation of a prior: uniform ``((l + h) / 2, (h - l) / sqrt 12)``, or a scaled Beta."""
    a, b = p.beta if p.beta is not None else (1.0, 1.0)
    width = p.high - p.low
    return p.low + width * a / (a + b), width * float(np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))))


def identification(mean: float, sd: float, prior_mean: float, prior_sd: float) -> dict[str, float | bool]:
    """How much the data moved a parameter: ``contraction = 1 - sd / prior_sd``, ``shift = (mean - prior_mean) /
    prior_sd`` and ``informed`` (:data:`MIN_CONTRACTION` or :data:`MIN_SHIFT` reached)."""
    contraction = 1.0 - sd / prior_sd
    shift = (mean - prior_mean) / prior_sd
    return {"contraction": contraction, "shift": shift,
            "informed": bool(contraction >= MIN_CONTRACTION or abs(shift) >= MIN_SHIFT)}


@dataclass(frozen=True)
class FigureModel:
    """Figures as functions of unit-cube draws: priors, the other parameters' values and the emulator."""

    priors: tuple[Prior, ...]
    fixed: Mapping[str, float]
    emulator: Emulator
    emulator_sd: Mapping[str, float]

    def params(self, u: Arr) -> dict[str, Arr]:
        """Every parameter as a column over the draws (fitted ones from ``u``)."""
        out = {k: np.full(len(u), v) for k, v in self.fixed.items()}
        out.update({p.key: p.value(u[:, j]) for j, p in enumerate(self.priors)})
        return out

    def quantities(self, params: Mapping[str, Arr]) -> dict[str, Arr]:
        """Emulated closed-form quantities at the draws."""
        return self.emulator.predict(np.column_stack([params[k] for k in self.emulator.keys]))

    def figures(self, u: Arr, keys: Sequence[str]) -> Arr:
        """Noise-free simulated figures (draws x keys)."""
        p = self.params(u)
        q = self.quantities(p)
        return np.column_stack([FIGURES[k].compute(p, q) * np.ones(len(u)) for k in keys])

    def noise_sd(self, obs: Sequence[Observation]) -> Arr:
        """Observation and emulator error together, per figure."""
        return np.array([np.hypot(o.sd, self.emulator_sd.get(o.key, 0.0)) for o in obs])

    def simulator(self, obs: Sequence[Observation]) -> Simulator:
        """``sim(u, rng)``: the figures of ``obs`` with their noise, for ABC."""
        keys = [o.key for o in obs]
        sd = self.noise_sd(obs)

        def sim(u: Arr, rng: np.random.Generator) -> Arr:
            return self.figures(u, keys) + rng.normal(size=(len(u), len(keys))) * sd

        return sim
