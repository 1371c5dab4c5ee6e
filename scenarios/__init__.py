"""Scenarios: the application layer that runs the whole pipeline over the other packages.

Typical use::

    from outreach.scenario import load_campaign
    from scenarios import PlanOptions, plan_campaign, write_outputs

    result = plan_campaign(load_campaign("scenario.toml"), PlanOptions(strategy="scip"))
    write_outputs(result, "out/plan")
"""

from .outputs import LANGS, output_files, write_outputs
from .pipeline import STRATEGIES, PlanOptions, PlanResult, SurveyFindings, plan_campaign

__all__ = ["LANGS", "STRATEGIES", "PlanOptions", "PlanResult", "SurveyFindings", "output_files", "plan_campaign",
           "write_outputs"]
