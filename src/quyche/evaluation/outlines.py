"""Report outlines: which required headings of a rule set's outline a report leaves out.

A submission may list the headings it follows (`outline: [...]`), by number ("II"), by
title ("Kết quả thực hiện") or both ("II. Kết quả thực hiện"); case, spacing and a
trailing full stop do not matter. The headings an outline requires are its top-level
sections; the items under them are what a section covers, not headings of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Outline, OutlineSection

__all__ = ["missing_sections", "section_label"]

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
