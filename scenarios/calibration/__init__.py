"""Calibration of the response model to observed campaigns (``outreach calibrate``).

:func:`calibrate` fits the parameters of :data:`.registry.FITTED` to observed
figures (:mod:`.observed`) of a campaign planned once (:mod:`.forward`), by
ABC-SMC (:mod:`.abc`) on an emulator of the closed-form reach
(:mod:`.emulator`); :func:`write_calibration` writes the posterior and the
fit report.
"""

from .observed import Observation, read_observed
from .report import write_calibration
from .run import Calibration, Settings, calibrate

__all__ = ["Calibration", "Observation", "Settings", "calibrate", "read_observed", "write_calibration"]
