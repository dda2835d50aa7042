"""One province's regulation as data: the root of the schema."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, Interpretation, Model
from .broadcast import BroadcastPolicy
from .content import Category, Constraint, Languages
from .instrument import Instrument, Provision, Scope
from .obligations import Obligation
from .parties import Actor, Site, SiteKind
from .policies import Policies
from .reporting import Reporting, SubmissionKind
from .successions import Succession

__all__ = ["RuleSet"]


class RuleSet(Model):
    """One province's regulation as data."""

    schema_version: Literal[1] = 1
    id: Id
    name: str
    province: str
    subject: Literal["information_cluster", "portal"]
    instrument: Instrument
    scope: Scope
    site_kinds: list[SiteKind] = Field(..., min_length=1)
    sites: list[Site] = []
    actors: list[Actor] = Field(..., min_length=1)
    successions: list[Succession] = []
    categories: list[Category] = []
    languages: Languages = Languages()
    broadcast: BroadcastPolicy = BroadcastPolicy()
    submission_kinds: list[SubmissionKind] = []
    obligations: list[Obligation] = []
    constraints: list[Constraint] = []
    reporting: Reporting = Reporting()
    policies: Policies
    interpretations: list[Interpretation] = []
    coverage: list[Provision] = []

    # Lookups the engine uses; computed once, not part of the data.
    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def obligation(self, rule_id: str) -> Obligation | None:
        return next((o for o in self.obligations if o.id == rule_id), None)

    def rule_ids(self) -> list[str]:
        """Every id a user can name in `explain`: obligations, broadcast rules, constraints."""
        return (
            [o.id for o in self.obligations]
            + [r.id for r in self.broadcast.rules]
            + [c.id for c in self.constraints]
            + [p.id for p in self.languages.policies]
            + ([self.reporting.outline.id] if self.reporting.outline else [])
        )
