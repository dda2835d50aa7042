"""What makes an event applicable: the checks against the context, and `Reject`.

An event that fails one is rejected with a reason naming the field (docs/contract.md);
the reader records it and goes on. Every intake hook of a rule kind raises `Reject`
the same way, whichever kind owns it.
"""

from __future__ import annotations

import datetime as dt
import re

from .._load import valid_language_tag
from .context import Context

__all__ = ["PERIOD_RE", "Reject", "check_at", "check_category", "check_language",
           "check_site"]

#: The periods a submission may name: a year, a month, a quarter, a half, or a date range.
PERIOD_RE = re.compile(
    r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$|^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"
)


class Reject(Exception):
    """An event that cannot be applied; the message is the reason."""


def check_at(ctx: Context, at: dt.datetime) -> float:
    """The epoch seconds of an event's `at`, which must not be after as_of."""
    ts = at.timestamp()
    if ts > ctx.as_of_ts:
        raise Reject(f"at: {at.isoformat()} is after as_of {ctx.as_of.isoformat()}")
    return ts


def check_site(ctx: Context, site: str | None) -> None:
    if site is not None and site not in ctx.sites:
        known = ", ".join(sorted(ctx.sites)) or "none: pass sites=[...]"
        raise Reject(f"site: {site!r} is not in the site registry (known: {known})")


def check_category(ctx: Context, category: str | None) -> None:
    if category is not None and category not in ctx.categories:
        raise Reject(f"category: {category!r} is not a category of "
                     f"{ctx.rule_set.id}; expected one of "
                     f"{', '.join(sorted(ctx.categories))}")


def check_language(language: str | None) -> None:
    if language is not None and not valid_language_tag(language):
        raise Reject(f"language: {language!r} is not an ISO 639 code or a pair like "
                     "'vi+en'")
