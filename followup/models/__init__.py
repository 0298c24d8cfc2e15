"""The yearly follow-up: cycles and questions, reports with answers, actions and evidence."""

from followup.models.cycles import (
    Cycle,
    CycleQuerySet,
    InvalidTransition,
    Question,
    QuestionsChanged,
    QuestionsFrozen,
)
from followup.models.files import ReportFile
from followup.models.reports import (
    Action,
    Answer,
    Attachment,
    Attainment,
    Report,
    ReportEvent,
    ReportQuerySet,
    StaleRevision,
)
from followup.models.reviews import ReviewComment

__all__ = [
    "Action",
    "Answer",
    "Attachment",
    "Attainment",
    "Cycle",
    "CycleQuerySet",
    "InvalidTransition",
    "Question",
    "QuestionsChanged",
    "QuestionsFrozen",
    "Report",
    "ReportEvent",
    "ReportFile",
    "ReportQuerySet",
    "ReviewComment",
    "StaleRevision",
]
