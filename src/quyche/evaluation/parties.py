"""Who owes a duty and to whom it is owed: bodies, group members, the operators of sites.

A rule names actors as the text does: a body, a group ("các cơ quan, đơn vị"), or the
operator role of a kind of site. These functions resolve those names under one
evaluation's registries, and `recurring_sides` walks the owner x recipient pairs of a
recurring duty's period through the successions (evaluation and schedule alike).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..model import EVENT_ACTOR, Obligation
from ..successions import Sides
from .context import Context

__all__ = [
    "accepts_recipient",
    "owners",
    "period_recipients",
    "recipients",
    "recurring_sides",
    "trigger_owners",
]


def members(ctx: Context, group: str) -> set[str]:
    """The actors the registry puts in `group`."""
    return {a for a, gs in ctx.actor_groups.items() if group in gs}


def operators(ctx: Context, site_kinds: Sequence[str] | None) -> set[str]:
    """The operators of the registered sites (of `site_kinds`, when given)."""
    return {s.operator for s in ctx.sites.values() if s.operator and (
        site_kinds is None or s.kind in site_kinds)}


def owners(ctx: Context, ob: Obligation) -> list[str]:
    """Who owes a recurring duty: named bodies, group members, operators of sites."""
    out: set[str] = set()
    for ref in ob.owed_by:
        kind = ctx.actor_kinds.get(ref)
        if kind is None:
            continue
        if kind == "body":
            out.add(ref)
        elif kind == "group":
            out |= members(ctx, ref)
        else:  # the operator role
            out |= operators(ctx, ob.site_kinds)
    return sorted(out)


def period_recipients(ctx: Context, ob: Obligation) -> list[list[str]]:
    """To whom a recurring duty is owed, one list per duty of a period.

    A duty owed to the operator role is owed to each operator of a registered site
    (of `site_kinds`, when given): one duty per operator and period. Without a site
    registry the role is kept as it is written.
    """
    roles = [r for r in ob.owed_to if ctx.actor_kinds.get(r) == "role"]
    if not roles or not ctx.sites:
        return [list(ob.owed_to)]
    others = [r for r in ob.owed_to if r not in roles]
    operating = sorted(operators(ctx, ob.site_kinds))
    if not operating:
        return [others] if others else []
    return [[op, *others] for op in operating]


def trigger_owners(ctx: Context, ob: Obligation, event: Mapping[str, Any]) -> list[str]:
    """Who owes a duty raised by `event` (see docs/authoring.md, Triggered)."""
    out: set[str] = set()
    actor = event.get("actor")
    for ref in ob.owed_by:
        if ref == EVENT_ACTOR:
            if actor:
                out.add(actor)
            continue
        declared = ctx.actor_kinds.get(ref)
        if declared is None:
            continue
        if declared == "role":
            site = ctx.sites.get(event.get("site") or "")
            if site and site.operator and (ob.site_kinds is None
                                           or site.kind in ob.site_kinds):
                out.add(site.operator)
        elif declared == "group":
            if actor and ref in ctx.actor_groups.get(actor, ()):
                out.add(actor)
        elif actor is None or actor == ref or ctx.successions.stands_for(
                ref, actor, ob, event["at"]):
            out.add(ref)  # its successor (or, while unresolved, a candidate) acts for it
    return sorted(out)


def recipients(ctx: Context, ob: Obligation, event: Mapping[str, Any]) -> list[str]:
    """To whom a triggered duty is owed: the operator role resolves to the site's operator."""
    out = []
    for ref in ob.owed_to:
        site = ctx.sites.get(event.get("site") or "")
        if ctx.actor_kinds.get(ref) == "role" and site and site.operator:
            out.append(site.operator)
        else:
            out.append(ref)
    return out


def accepts_recipient(ctx: Context, owed_to: Sequence[str], to: str | None) -> bool:
    """Whether a delivery addressed `to` someone can discharge a duty owed to `owed_to`."""
    if to is None or not owed_to or to in owed_to:
        return True
    if ctx.actor_kinds.get(to) == "role":
        # addressed to the role itself: it reaches a recipient who holds the role
        operating = operators(ctx, None)
        return any(r == to or r in operating for r in owed_to)
    for ref in owed_to:
        declared = ctx.actor_kinds.get(ref)
        if declared == "group" and ref in ctx.actor_groups.get(to, ()):
            return True
        if declared == "role" and (
                not ctx.sites or any(s.operator == to for s in ctx.sites.values())):
            return True  # without a registry, any body may be an operator
    return False


def recurring_sides(ctx: Context, ob: Obligation, owners: Sequence[str],
                    recipients: Sequence[list[str]], due: dt.datetime,
                    keep: Callable[[str, Sides], bool] | None = None
                    ) -> Iterator[tuple[str, list[str], Sides]]:
    """The duties of one period of `ob`: (owner, recipients as written, sides in office).

    One per owner x recipient list, after successions: a duty owed to oneself is none,
    and bodies merged into one owe one duty. `keep(owner, sides)`, when given, drops a
    pair before it counts as made (schedule's actor filter).
    """
    made: set[tuple[str, tuple[str, ...]]] = set()
    for owner in owners:
        for to in recipients:
            if to == [owner]:
                continue  # owed to itself (an operator that is also the owing body)
            sides = ctx.successions.sides(ob, owner, to, due)
            key = (sides.owner, tuple(sides.owed_to))
            if sides.owed_to == [sides.owner] or key in made:
                continue  # bodies merged into one: one duty
            if keep is not None and not keep(owner, sides):
                continue
            made.add(key)
            yield owner, to, sides
