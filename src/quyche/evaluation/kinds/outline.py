"""Report outlines: a submitted report that names its headings must have the required ones.

Which headings an outline requires, and how a heading is matched, is `outlines`; this
is the intake hook that files the finding, dated by the submission.
"""

from __future__ import annotations

from typing import Any

from ...report import Violation
from ..context import Context
from ..ledger import Ledger
from ..outlines import missing_sections, section_label

__all__ = ["check_outline"]


def check_outline(ctx: Context, ledger: Ledger, ev: Any, ts: float) -> None:
    """A submission of a kind the outline applies to that leaves out a required section."""
    outline = ctx.rule_set.reporting.outline
    if (ev.outline is None or outline is None or not outline.required
            or ev.kind not in outline.applies_to or ts < ctx.since_ts):
        return
    missing = [section_label(s) for s in missing_sections(outline, ev.outline)]
    if missing:
        ledger.findings.append(Violation(
            rule_id=outline.id, kind="outline_missing_section", actor=ev.actor,
            when=ev.at.isoformat(), period=ev.period,
            message=f"Báo cáo thiếu mục của đề cương: {'; '.join(missing)}",
            message_en=f"The report leaves out sections of the outline: {'; '.join(missing)}",
            source=ctx.cite(outline.source), events=[ev.id] if ev.id else []))
