"""The rule-set schema: what a province's regulation looks like as data.

Every model is frozen and rejects unknown keys, so a typo in YAML is an error at
load time rather than a rule that silently never fires. Every value that comes
from a regulation carries a `Source` (article, clause, point, verbatim quote).
Values the text leaves open are ordinary fields whose reading is declared in
`interpretations` (by path) so a caller can override them.
"""

from __future__ import annotations

from .base import CitedValue, Interpretation, Source, Text
from .broadcast import BroadcastPolicy, BroadcastRule, DayPart, TimeOfDay, TimeWindow
from .broadcast import minutes_of as minutes_of
from .content import (
    AttributionConstraint,
    BackupRetentionConstraint,
    Category,
    CategoryConstraint,
    Constraint,
    DailyUpdateConstraint,
    LanguageGroup,
    LanguagePolicy,
    Languages,
    ProhibitedContentConstraint,
)
from .instrument import Defect, Instrument, Provision, Replaced, Scope
from .obligations import (
    Deadline,
    DeadlineException,
    Discharge,
    Duration,
    Obligation,
    Recurrence,
    Trigger,
)
from .parties import EVENT_ACTOR as EVENT_ACTOR
from .parties import ROLES as ROLES
from .parties import Actor, Site, SiteKind
from .policies import Policies, Policy
from .reporting import MonthDay, Outline, OutlineSection, Reporting, ReportingPeriod, SubmissionKind
from .rule_set import RuleSet
from .successions import Succession

__all__ = [
    "Actor",
    "AttributionConstraint",
    "BackupRetentionConstraint",
    "BroadcastPolicy",
    "BroadcastRule",
    "Category",
    "CategoryConstraint",
    "CitedValue",
    "Constraint",
    "DailyUpdateConstraint",
    "DayPart",
    "Deadline",
    "DeadlineException",
    "Defect",
    "Discharge",
    "Duration",
    "Instrument",
    "Interpretation",
    "LanguageGroup",
    "LanguagePolicy",
    "Languages",
    "MonthDay",
    "Obligation",
    "Outline",
    "OutlineSection",
    "Policies",
    "Policy",
    "ProhibitedContentConstraint",
    "Provision",
    "Recurrence",
    "Replaced",
    "Reporting",
    "ReportingPeriod",
    "RuleSet",
    "Scope",
    "Site",
    "SiteKind",
    "Source",
    "SubmissionKind",
    "Succession",
    "Text",
    "TimeOfDay",
    "TimeWindow",
    "Trigger",
]
