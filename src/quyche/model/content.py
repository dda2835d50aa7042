"""What may be published where: categories, languages, and the content constraints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

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


class Languages(Model):
    groups: list[LanguageGroup] = []
    policies: list[LanguagePolicy] = []
    silent_note: str | None = Field(
        None, description="where the text says nothing about languages for some site kind"
    )


class _ConstraintBase(Model):
    id: Id
    title: Text
    site_kinds: list[str] | None = Field(None, description="null means every site kind")
    source: Source
    sources: list[Source] = []
    note: str | None = None


class AttributionConstraint(_ConstraintBase):
    """Quoted content must name author, source, time and link."""

    kind: Literal["attribution"]
    required: list[Literal["author", "source", "published_at", "link"]] = Field(
        ..., min_length=1
    )


class ProhibitedContentConstraint(_ConstraintBase):
    """Content of a prohibited category (state secrets) must not be published."""

    kind: Literal["prohibited_content"]
    categories: list[Id] = Field(..., min_length=1)


class CategoryConstraint(_ConstraintBase):
    """Content must belong to a category allowed on the site's kind."""

    kind: Literal["category_allowed"]


class BackupRetentionConstraint(_ConstraintBase):
    """Backups must be kept at least this long."""

    kind: Literal["backup_retention"]
    retention: Duration


class DailyUpdateConstraint(_ConstraintBase):
    """Each site of the given kinds gets new content (a `content_published`) on each day of
    the given kinds; a registered site with none that day is a finding."""

    kind: Literal["daily_update"]
    day_kinds: list[Literal["working_day", "weekend", "holiday"]] = Field(
        ..., description="the kinds of day an update is owed on; empty: none (not checked)")
    owed_by: str | None = Field(
        None, description="who answers for the updates, named as the actor of its findings: a "
        "body, or the operator role (the site's operator)")


Constraint = Annotated[
    AttributionConstraint
    | ProhibitedContentConstraint
    | CategoryConstraint
    | BackupRetentionConstraint
    | DailyUpdateConstraint,
    Field(discriminator="kind"),
]
