"""``outreach sensitivity``: global (Sobol) sensitivity of a plan's outcome to the response parameters."""

from .report import write_sensitivity
from .run import MIN_DESIGN, OUTPUTS, FixedPlan, Sensitivity, Settings, analyse, check_settings, plan_once, sensitivity

__all__ = ["MIN_DESIGN", "OUTPUTS", "FixedPlan", "Sensitivity", "Settings", "analyse", "check_settings", "plan_once",
           "sensitivity", "write_sensitivity"]
