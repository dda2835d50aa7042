"""A rule set's sources as the citations results carry, under its instrument's number.

Every analysis cites the clause a value comes from; each goes through
`report.Citation.of`, the one place a `Source` becomes a `Citation`, with the
number of the instrument the rule set encodes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..model import RuleSet, Source
from ..report import Citation

__all__ = ["citation", "citer"]


def citation(rs: RuleSet, source: Source | None) -> Citation | None:
    """The citation of one of `rs`'s sources (None for none)."""
    if source is None:
        return None
    return Citation.of(source, rs.instrument.number.value)


def citer(rs: RuleSet) -> Callable[[Source | None], Citation | None]:
    """`citation` bound to one rule set, for code that cites many of its values."""
    return partial(citation, rs)
