"""Awareness surveys: questionnaire, import, estimation, priorities, reports and evaluation.

Typical use::

    data = import_survey("baseline.xlsx", geography, columns=scenario_columns)
    result = estimate(data, geography)
    priorities = build_priorities(result, geography)
    write_survey_report(result, priorities, out_dir)
"""

from .columns import ColumnMatch, match_columns
from .estimate import INDICATORS, PriorFit, SurveyResult, estimate, fit_concentration
from .evaluate import Change, Evaluation, Forecast, evaluate, read_forecast, write_evaluation
from .importer import DroppedRow, ImportReport, SurveyData, import_frame, import_survey, read_table
from .priorities import build_priorities, default_priorities, default_target
from .questionnaire import (
    CHANNELS,
    DEFAULT_QUESTIONNAIRE,
    Choice,
    Question,
    Questionnaire,
    paper_form_html,
    with_geography,
    write_form,
    write_xlsform,
)
from .report import priorities_frame, svg_bars, write_import_report, write_survey_report
from .synthetic import SyntheticTruth, TruthModel, example_geography, synthetic_survey

__all__ = [
    "CHANNELS", "DEFAULT_QUESTIONNAIRE", "INDICATORS", "Change", "Choice", "ColumnMatch", "DroppedRow", "Evaluation",
    "Forecast", "ImportReport", "PriorFit", "Question", "Questionnaire", "SurveyData", "SurveyResult",
    "SyntheticTruth", "TruthModel", "build_priorities", "default_priorities", "default_target", "estimate",
    "evaluate", "example_geography", "fit_concentration", "import_frame", "import_survey", "match_columns",
    "paper_form_html", "priorities_frame", "read_forecast", "read_table", "svg_bars", "synthetic_survey",
    "with_geography", "write_evaluation", "write_form", "write_import_report", "write_survey_report",
    "write_xlsform",
]
