"""The report: obligations with their status, cited violations, rejected events.

A report is computed from a mergeable ledger of what the events showed (see
`engine`). `Report.merge` merges the ledgers of two partitions of an event
stream and computes the findings again, so the merge of partition reports is
the report of the whole, whatever the partition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

__all__ = ["Citation", "Handover", "ObligationStatus", "Rejection", "Report", "Summary",
           "Violation"]

Status = Literal["open", "met", "late", "missed"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Citation(_Out):
    """Where a finding's rule is written."""

    document: str = Field(..., description="decision | regulation | annex")
    instrument: str | None = Field(None, description="the instrument's number, if known")
    article: int | None
    clause: int | None = None
    point: str | None = None
    quote: str


class Handover(_Out):
    """A succession that decides (or flags) who owes, or is owed, a duty at its due date."""

    succession: str = Field(..., description="the succession's id")
    change: str = Field(..., description="reorganised | abolished | province_merged")
    role: Literal["owed_by", "owed_to"] = Field(..., description="which side of the duty")
    predecessor: str = Field(..., description="the body the text names")
    successor: str | None = Field(..., description="who carries the duty; null: no one named")
    effective: dt.date
    asserted_by: Literal["data", "reading", "caller", "none"] = Field(
        ..., description="data: the rule set asserts it; reading: an interpretation (open "
        "until a caller overrides it); caller: the caller's override or successions; none: "
        "no successor is known, the duty stays with the text's body")
    interpretation: str | None = Field(None, description="the reading's id, to override it")
    candidates: list[str] = Field([], description="while unresolved, the other bodies a "
                                  "delivery may come from or go to")
    basis: str
    note: str | None = Field(None, description="e.g. discharged through a candidate")


class ObligationStatus(_Out):
    """One duty of one actor for one period (or one trigger), and whether it was met."""

    rule_id: str
    title: str
    actor: str
    owed_to: list[str]
    period: str | None
    due: dt.datetime
    status: Status
    trigger: str | None = None
    fulfilled_by: str | None = None
    fulfilled_at: dt.datetime | None = None
    exception: str | None = Field(None, description="the deadline exception that applied")
    source: Citation
    successions: list[Handover] = Field([], description="successions in effect at the due "
                                        "date for the owing or owed body")


class Violation(_Out):
    """A broken rule: which, by whom or where, when, why, and the clause it breaks."""

    rule_id: str
    kind: str
    actor: str | None = None
    site: str | None = None
    when: str = Field(..., description="a local date for a day-level check, else an instant")
    period: str | None = None
    message: str
    message_en: str
    source: Citation
    events: list[str] = []
    successions: list[Handover] = Field([], description="as on the obligation it concerns")


class Rejection(_Out):
    """An input event that was not applied, and why."""

    index: int
    id: str | None
    reason: str


class Summary(_Out):
    events_read: int
    events_applied: int
    events_rejected: int
    obligations_by_status: dict[str, int]
    violations_by_kind: dict[str, int]


class Report(_Out):
    """What `quyche.evaluate` returns."""

    rule_set: str
    as_of: dt.datetime
    since: dt.datetime
    obligations: list[ObligationStatus]
    violations: list[Violation]
    rejected: list[Rejection]
    warnings: list[str] = Field([], description="things worth a look that are not findings")
    summary: Summary

    _ledger: Any = PrivateAttr(None)
    _context: Any = PrivateAttr(None)

    def merge(self, other: Report) -> Report:
        """The report of the union of both reports' events (same rule set and arguments)."""
        from .engine import merge_reports

        return merge_reports(self, other)

    def obligations_for(self, rule_id: str) -> list[ObligationStatus]:
        return [o for o in self.obligations if o.rule_id == rule_id]

    def violations_for(self, rule_id: str) -> list[Violation]:
        return [v for v in self.violations if v.rule_id == rule_id]
