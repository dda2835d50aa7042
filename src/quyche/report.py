"""The report: obligations with their status, cited violations, rejected events.

A report is computed from a mergeable ledger of what the events showed (see
`evaluation`). `Report.merge` merges the ledgers of two partitions of an event
stream and computes the findings again, so the merge of partition reports is
the report of the whole, whatever the partition. This module needs nothing of the
evaluation: `quyche.evaluation.partial` gives it how reports merge (`Merging`) when
it is imported, which `import quyche` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import Field, PrivateAttr, computed_field

from .output import Output, SchemaVersion
from .time.calendar import TIMEZONE

if TYPE_CHECKING:
    from .model import Source

__all__ = ["Citation", "EvaluationLedger", "Handover", "Merging", "ObligationStatus",
           "Rejection", "Report", "Summary", "Violation", "merge_with"]

Status = Literal["open", "met", "late", "missed"]


class Citation(Output):
    """Where a finding's rule is written."""

    document: str = Field(..., description="decision | regulation | annex")
    instrument: str | None = Field(None, description="the instrument's number, if known")
    article: int | None
    clause: int | None = None
    point: str | None = None
    quote: str

    @classmethod
    def of(cls, source: Source, instrument: str | None) -> Citation:
        """The citation of a rule set's `Source`, under its instrument's number.

        The one place a rule-set source becomes a citation (evaluate, diff, explain, ...).
        """
        return cls(document=source.document, instrument=instrument, article=source.article,
                   clause=source.clause, point=source.point, quote=source.quote)


class Handover(Output):
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


class ObligationStatus(Output):
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


_DAY = ("the local day a day-level check found wanting (a broadcast rule's day, a day without "
        "updates); null when the finding has an `at`")
_AT = ("the instant of the finding (a late delivery, a missed due date, a broadcast in a "
       "forbidden window), in local time; null when the finding has a `day`")


class Violation(Output):
    """A broken rule: which, by whom or where, when, why, and the clause it breaks."""

    rule_id: str
    kind: str
    actor: str | None = None
    site: str | None = None
    when: str = Field(..., description="deprecated, kept for readers of 0.1 and as the sort "
                      "key: `day` or `at` as text (YYYY-MM-DD, or ISO 8601 with an offset)")
    period: str | None = None
    message: str
    message_en: str
    source: Citation
    events: list[str] = []
    successions: list[Handover] = Field([], description="as on the obligation it concerns")

    @computed_field(description=_DAY)  # type: ignore[prop-decorator]
    @property
    def day(self) -> dt.date | None:
        return dt.date.fromisoformat(self.when) if len(self.when) == 10 else None

    @computed_field(description=_AT)  # type: ignore[prop-decorator]
    @property
    def at(self) -> dt.datetime | None:
        if len(self.when) == 10:
            return None
        return dt.datetime.fromisoformat(self.when).astimezone(ZoneInfo(TIMEZONE))


class Rejection(Output):
    """An input event that was not applied, and why."""

    index: int
    id: str | None
    reason: str
    partition: str | None = Field(
        None, description="in a merged report: the partition the event came from")
    partition_index: int | None = Field(
        None, description="in a merged report: the event's index within its partition")
    line: int | None = Field(
        None, description="read from a file: the event's 1-based line (or item of a JSON "
        "array); `index` counts events, which blank lines do not carry")


class Summary(Output):
    events_read: int
    events_applied: int
    events_rejected: int
    obligations_by_status: dict[str, int]
    violations_by_kind: dict[str, int]


class Report(Output):
    """What `quyche.evaluate` returns."""

    schema_version: SchemaVersion = 1
    rule_set: str
    as_of: dt.datetime
    since: dt.datetime
    obligations: list[ObligationStatus]
    violations: list[Violation]
    rejected: list[Rejection]
    warnings: list[str] = Field([], description="things worth a look that are not findings")
    summary: Summary
    state: dict[str, Any] | None = Field(
        None, exclude_if=lambda state: state is None,  # absent, not null, when there is none
        description="the evaluation's partial (docs/partials.md), only in a report made "
        "by with_state(): a report read back from that JSON still merges")

    _ledger: EvaluationLedger | None = PrivateAttr(None)
    _context: object | None = PrivateAttr(None)  # the evaluation's context, opaque here
    _partial: Any = PrivateAttr(None)  # the evaluation state of an unpickled report

    def merge(self, other: Report, rule_set: Any = None) -> Report:
        """The report of the union of both reports' events (same rule set and arguments).

        `rule_set` only for reports read from JSON whose rule set is not bundled.
        """
        return _merging().merge([self, other], rule_set=rule_set)

    def with_state(self) -> Report:
        """This report with its partial in `state`, so that its JSON can be merged later."""
        return self.model_copy(update={"state": self.partial().to_data()})

    def with_lines(self, line_of: Callable[[int], int]) -> Report:
        """This report with each rejection's line, `line_of(index)`, in the file it came from.

        The line is kept in the evaluation state too, so a partial saved from this report
        (`check --state-out`) still names it after a merge.
        """
        if not self.rejected:
            return self
        rejected = [r.model_copy(update={"line": line_of(r.index)}) for r in self.rejected]
        out = self.model_copy(update={"rejected": rejected})
        if self._ledger is not None:
            out._ledger = self._ledger.with_rejected(rejected)
        return out

    def partial(self) -> Any:
        """The evaluation state behind this report, as a `quyche.Partial` (to save or merge)."""
        return _merging().partial_of(self)

    def __getstate__(self) -> dict[Any, Any]:
        # The evaluation context stays in its process: carry the partial instead,
        # from which a merge rebuilds the context.
        state = super().__getstate__()
        private = dict(state.get("__pydantic_private__") or {})
        if private.get("_context") is not None:
            private["_partial"] = self.partial()
            private["_context"] = private["_ledger"] = None
        state["__pydantic_private__"] = private
        return state

    def obligations_for(self, rule_id: str) -> list[ObligationStatus]:
        return [o for o in self.obligations if o.rule_id == rule_id]

    def violations_for(self, rule_id: str) -> list[Violation]:
        return [v for v in self.violations if v.rule_id == rule_id]


class EvaluationLedger(Protocol):
    """The ledger behind a report made in this process (`quyche.evaluation.ledger.Ledger`)."""

    def with_rejected(self, rejected: list[Rejection]) -> EvaluationLedger:
        """The same ledger with these rejections (numbered by line)."""
        ...


class Merging(Protocol):
    """How reports merge and give their evaluation state (`quyche.evaluation.partial`)."""

    def merge(self, items: Sequence[Any], rule_set: Any = None) -> Report: ...

    def partial_of(self, item: Any) -> Any: ...


_MERGING: list[Merging] = []


def merge_with(merging: Merging) -> None:
    """Give reports their `Merging` (the evaluation package does, once, on import)."""
    _MERGING[:] = [merging]


def _merging() -> Merging:
    if not _MERGING:  # only when quyche.report is loaded without the package
        raise RuntimeError("reports merge through quyche.evaluation: import quyche first")
    return _MERGING[0]

