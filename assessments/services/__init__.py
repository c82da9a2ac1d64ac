"""Writes of the assessment workflow: cycles and states, scoring, results, appeals and
rectifications. Each is atomic, validates before it writes and audits what it changes."""

from assessments.services.appeals import appeal_file, appeal_review
from assessments.services.cycles import (
    assessment_transition,
    create_assessments,
    cycle_open,
    expert_assign,
    self_evaluation_submit,
)
from assessments.services.rectifications import (
    rectification_mark_done,
    rectification_raise,
    rectification_review,
    rectifications_carry_into,
)
from assessments.services.results import compute_result, recompute_cycle, what_if_result
from assessments.services.scoring import (
    EntryConflict,
    adjustment_add,
    entry_save,
    veto_decide,
    veto_propose,
)

__all__ = [
    "EntryConflict",
    "adjustment_add",
    "appeal_file",
    "appeal_review",
    "assessment_transition",
    "compute_result",
    "create_assessments",
    "cycle_open",
    "entry_save",
    "expert_assign",
    "recompute_cycle",
    "rectification_mark_done",
    "rectification_raise",
    "rectification_review",
    "rectifications_carry_into",
    "self_evaluation_submit",
    "veto_decide",
    "veto_propose",
    "what_if_result",
]
