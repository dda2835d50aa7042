"""Who the text names: actors (bodies, groups, roles), the kinds of site and the sites."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Id, Model, Source

__all__ = ["EVENT_ACTOR", "ROLES", "Actor", "Site", "SiteKind"]

ROLES = ("operator",)
#: The token an obligation uses for "whoever the triggering event names as its actor".
EVENT_ACTOR = "event.actor"


class Actor(Model):
    """A body the text names, a group of bodies, or a role filled per site."""

    id: Id
    kind: Literal["body", "group", "role"] = "body"
    name: str = Field(..., description="the name as the text writes it")
    name_en: str | None = None
    member_of: list[Id] = Field([], description="groups this body belongs to")
    source: Source | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _roles_known(self) -> Actor:
        if self.kind == "role" and self.id not in ROLES:
            raise ValueError(f"unknown role {self.id!r}; the engine knows roles {list(ROLES)}")
        if self.kind != "body" and self.member_of:
            raise ValueError("only a body can be a member of a group")
        return self


class SiteKind(Model):
    """A kind of installation: border_gate, public_board, portal."""

    id: Literal["border_gate", "public_board", "portal"]
    name: str
    source: Source


class Site(Model):
    """An installation the text itself names (callers pass their own registry too)."""

    id: Id
    kind: str
    name: str
    operator: Id | None = None
    source: Source
    note: str | None = None
