"""The base of every result the library hands out (report, diff, compare, explain, ...).

Results are values: frozen, so a caller cannot edit a finding behind a report's summary.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Output"]


class Output(BaseModel):
    """A frozen result model; its JSON is part of the contract (docs/contract.md)."""

    model_config = ConfigDict(frozen=True)
