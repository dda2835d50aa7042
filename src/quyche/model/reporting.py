"""Periodic reporting: what is delivered, the data period, the outline to follow."""

from __future__ import annotations

from pydantic import Field

from ..vocabulary import Lang
from .base import Id, Model, Note, Source, Text

__all__ = [
    "MonthDay",
    "Outline",
    "OutlineSection",
    "Reporting",
    "ReportingPeriod",
    "SubmissionKind",
]


class MonthDay(Model):
    """A day of the year without a year, e.g. 15/12."""

    month: int = Field(..., ge=1, le=12)
    day: int = Field(..., ge=1, le=31)


class SubmissionKind(Model):
    """A kind of thing delivered (the `kind` of a submission event)."""

    id: Id
    name: Text
    source: Source | None = None


class ReportingPeriod(Model):
    """The data period of the annual report, e.g. 15/12 of the year before to 14/12."""

    start: MonthDay
    end: MonthDay
    start_in_previous_year: bool = True
    source: Source


class OutlineSection(Model):
    number: str
    title: str
    items: list[str] = []


class Outline(Model):
    """The outline (Đề cương báo cáo) a periodic report must follow."""

    id: Id = Field("report_outline", description="the rule id of findings about the outline")
    title: str
    applies_to: list[Id] = Field(..., min_length=1, description="submission kinds")
    required: bool = Field(
        False, description="a submission of these kinds that lists its headings (`outline`) "
        "and leaves out a section is a finding; false: the outline is recorded, not checked")
    sections: list[OutlineSection] = Field(..., min_length=1)
    source: Source

    def describe(self, lang: Lang) -> str:
        """What the outline asks of a report, in words of `lang`."""
        vi = lang == "vi"
        sections = "; ".join(f"{s.number}. {s.title}" for s in self.sections)
        kinds = ", ".join(self.applies_to)
        if not self.required:
            return (f"Đề cương cho loại báo cáo {kinds}: {sections}. Không kiểm tra." if vi else
                    f"Outline of the reports of kind {kinds}: {sections}. Recorded, not checked.")
        return (f"Báo cáo loại {kinds} có liệt kê đề mục (outline) phải có đủ các mục: "
                f"{sections}." if vi else f"A report of kind {kinds} that lists its headings "
                f"(`outline`) must carry every section: {sections}.")


class Reporting(Model):
    period: ReportingPeriod | None = None
    outline: Outline | None = None
    ad_hoc: Note | None = Field(None, description="reports on request of competent bodies")
