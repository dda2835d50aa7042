"""Report outlines: a submitted report that names its headings must have the required ones.

A submission may list the headings it follows (`outline: [...]`), by number ("II"), by
title ("Kết quả thực hiện") or both ("II. Kết quả thực hiện"); case, spacing and a
trailing full stop do not matter. The headings an outline requires are its top-level
sections; the items under them are what a section covers, not headings of their own.
The finding is dated by the submission.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...model import Outline, OutlineSection
from ...report import Violation
from ..context import Context
from ..ledger import Ledger

__all__ = ["check_outline", "missing_sections", "section_label"]

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().rstrip(".").strip().casefold()


def section_label(section: OutlineSection) -> str:
    """How a section is named in a finding: 'II. Kết quả thực hiện'."""
    return f"{section.number}. {section.title}"


def _names(section: OutlineSection) -> set[str]:
    number, title = _norm(section.number), _norm(section.title)
    return {number, title, f"{number}. {title}", f"{number} {title}", f"{number}.{title}"}


def missing_sections(outline: Outline, headings: Iterable[str]) -> list[OutlineSection]:
    """The outline's sections that no heading of the report names, in the outline's order."""
    given = {_norm(h) for h in headings}
    return [s for s in outline.sections if not (_names(s) & given)]


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
