"""What may be published where: categories, languages, and the content constraints."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field

from ..vocabulary import DayKind, Lang
from .base import Id, Model, Source, Text
from .obligations import Duration

__all__ = [
    "AttributionConstraint",
    "BackupRetentionConstraint",
    "Category",
    "CategoryConstraint",
    "DailyUpdateConstraint",
    "LanguageGroup",
    "LanguagePolicy",
    "Languages",
    "ProhibitedContentConstraint",
]


class Category(Model):
    """A content category the text lists (or prohibits)."""

    id: Id
    name: str
    prohibited: bool = False
    site_kinds: list[str] | None = Field(
        None, description="site kinds where it may be shown; null means every kind"
    )
    priority_for: list[str] = Field([], description="site kinds that must give it priority")
    source: Source


class LanguageGroup(Model):
    """A named group of ISO 639 codes, e.g. the ethnic-minority languages."""

    id: Id
    name: str
    codes: list[str] = Field(..., min_length=1)
    source: Source
    note: str | None = None


class LanguagePolicy(Model):
    """Languages allowed on a kind of site: codes, bilingual 'vi+en', or group ids."""

    id: Id
    site_kinds: list[str] = Field(..., min_length=1)
    allowed: list[str] = Field(..., min_length=1)
    mode: Literal["limit", "plan"] = Field(
        "limit",
        description="limit: other languages are a violation; plan: the list describes "
        "what is produced and nothing else is checked",
    )
    bilingual: Literal["listed", "of_allowed"] = Field(
        "listed",
        description="listed: a bilingual product is allowed when its pair is listed; "
        "of_allowed: also any pair of languages the policies allow alone",
    )
    source: Source
    note: str | None = None

    def describe(self, lang: Lang, groups: Sequence[LanguageGroup] = ()) -> str:
        """The policy in one sentence of `lang`, each group with its codes."""
        codes = {g.id: g.codes for g in groups}
        allowed = ", ".join(f"{a} ({', '.join(codes[a])})" if a in codes else a
                            for a in self.allowed)
        kinds = ", ".join(self.site_kinds)
        if lang == "vi":
            mode = ("ngôn ngữ khác là vi phạm" if self.mode == "limit"
                    else "danh mục ngôn ngữ sản xuất, không kiểm tra")
            return f"Ngôn ngữ trên điểm loại {kinds}: {allowed} ({mode})."
        mode = ("any other language breaks the rule" if self.mode == "limit"
                else "the languages produced; nothing is checked")
        return f"Languages on sites of kind {kinds}: {allowed} ({mode})."

    def relies_on(self) -> list[str]:
        """Paths of the other values it reads: the language groups it allows."""
        return [f"languages.groups.{g}" for g in self.allowed]


class Languages(Model):
    groups: list[LanguageGroup] = []
    policies: list[LanguagePolicy] = []
    silent_note: str | None = Field(
        None, description="where the text says nothing about languages for some site kind"
    )


class _ConstraintBase(Model):
    """What every content constraint has; each kind says in its own class what it asks
    (`describe`), what `compare` shows of it, and which other values it reads."""

    id: Id
    title: Text
    site_kinds: list[str] | None = Field(None, description="null means every site kind")
    source: Source
    sources: list[Source] = []
    note: str | None = None

    @abstractmethod
    def describe(self, lang: Lang) -> str:
        """What the constraint asks, in one sentence of `lang` (explain prints it after the
        title)."""

    def compare_cell(self) -> tuple[str, Any] | None:
        """(text, value) of this constraint in `compare`'s row for its kind; None: the kind
        has no row there."""
        return None

    def relies_on(self) -> list[str]:
        """Paths of other rule-set values it reads, whose readings matter to it."""
        return []

    def policies_used(self) -> list[tuple[str, str]]:
        """(deadline policy, why) for each policy of the rule set that applies to it."""
        return []


class AttributionConstraint(_ConstraintBase):
    """Quoted content must name author, source, time and link."""

    kind: Literal["attribution"]
    required: list[Literal["author", "source", "published_at", "link"]] = Field(
        ..., min_length=1
    )

    def describe(self, lang: Lang) -> str:
        return (("Nội dung trích dẫn phải ghi: " if lang == "vi" else
                 "Quoted content must give: ") + ", ".join(self.required) + ".")

    def compare_cell(self) -> tuple[str, Any]:
        return ", ".join(self.required), list(self.required)


class ProhibitedContentConstraint(_ConstraintBase):
    """Content of a prohibited category (state secrets) must not be published."""

    kind: Literal["prohibited_content"]
    categories: list[Id] = Field(..., min_length=1)

    def describe(self, lang: Lang) -> str:
        return (("Không được đăng tải nội dung thuộc: " if lang == "vi"
                 else "Content of these categories must not be published: ")
                + ", ".join(self.categories) + ".")

    def relies_on(self) -> list[str]:
        return [f"categories.{c}" for c in self.categories]


class CategoryConstraint(_ConstraintBase):
    """Content must belong to a category allowed on the site's kind."""

    kind: Literal["category_allowed"]

    def describe(self, lang: Lang) -> str:
        return ("Nội dung phải thuộc một loại thông tin được liệt kê." if lang == "vi" else
                "Content must belong to a listed category.")


class BackupRetentionConstraint(_ConstraintBase):
    """Backups must be kept at least this long."""

    kind: Literal["backup_retention"]
    retention: Duration

    def describe(self, lang: Lang) -> str:
        return (f"Dữ liệu sao lưu được lưu giữ tối thiểu {self.retention.describe('vi')}."
                if lang == "vi" else
                f"Backups must be kept at least {self.retention.describe('en')}.")

    def compare_cell(self) -> tuple[str, Any]:
        unit, n = self.retention.unit, self.retention.amount
        kinds = f" — {', '.join(self.site_kinds)}" if self.site_kinds else ""
        return f"at least {n} {unit.replace('_', ' ')}{kinds}", {unit: n}

    def policies_used(self) -> list[tuple[str, str]]:
        if self.retention.hours:
            return []
        return [("roll_forward_retention", "the retention is a period counted in days, "
                 "months or years")]


class DailyUpdateConstraint(_ConstraintBase):
    """Each site of the given kinds gets new content (a `content_published`) on each day of
    the given kinds; a registered site with none that day is a finding."""

    kind: Literal["daily_update"]
    day_kinds: list[DayKind] = Field(
        ..., description="the kinds of day an update is owed on; empty: none (not checked)")
    owed_by: str | None = Field(
        None, description="who answers for the updates, named as the actor of its findings: a "
        "body, or the operator role (the site's operator)")

    def describe(self, lang: Lang) -> str:
        vi = lang == "vi"
        days = ", ".join(self.day_kinds) or ("không ngày nào" if vi else "no day")
        return (f"Mỗi điểm phải được cập nhật thông tin mỗi ngày thuộc loại: {days}." if vi
                else f"Each site must get new content on every day of kind: {days}.")


Constraint = Annotated[
    AttributionConstraint
    | ProhibitedContentConstraint
    | CategoryConstraint
    | BackupRetentionConstraint
    | DailyUpdateConstraint,
    Field(discriminator="kind"),
]
