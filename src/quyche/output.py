"""The base of every result the library hands out (report, diff, compare, explain, ...).

Results are values: frozen, so a caller cannot edit a finding behind a report's summary.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SCHEMA_VERSION", "Output", "SchemaVersion"]

#: The version of every JSON output's schema (docs/contract.md#versioned-outputs).
SCHEMA_VERSION = 1

SchemaVersion = Annotated[Literal[1], Field(
    description="the version of this output's schema (docs/contract.md); it grows only when "
    "a reader must change")]


class Output(BaseModel):
    """A frozen result model; its JSON is part of the contract (docs/contract.md)."""

    model_config = ConfigDict(frozen=True)
