"""Dated changes of institution: which body carries which functions from when."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .base import Id, Model, Source

__all__ = ["Succession"]


class Succession(Model):
    """A dated change of institution: from `effective`, `successor` carries `functions`.

    A successor the sources do not give is either null (the duty stays with the text's
    body, flagged) or a reading: an interpretation whose path is
    `successions.<id>.successor`, with the other likely bodies as its alternatives.
    """

    id: Id
    change: Literal["reorganised", "abolished", "province_merged"] = Field(
        "reorganised", description="reorganised: merged into or split between other bodies; "
        "abolished: the body (or a level of government) no longer exists; province_merged: "
        "the province was merged, the instrument keeps applying to its former territory")
    predecessor: Id = Field(..., description="a body, or a group: then each of its members")
    successor: Id | None = Field(
        ..., description="null when the sources do not say who took the function over"
    )
    effective: dt.date
    functions: list[Id] = Field([], description="the obligations' `function`s it covers; "
                                "empty means every function")
    territory: str | None = Field(
        None, description="for province_merged: the former territory the instrument keeps "
        "applying to until replaced")
    basis: str = Field(..., description="the legal basis of the change, as text")
    source: Source | None = Field(None, description="where this rule set's own text shows it")
    note: str | None = None

    @model_validator(mode="after")
    def _territory(self) -> Succession:
        if self.change == "province_merged" and not self.territory:
            raise ValueError("a province_merged succession names the former territory "
                             "(territory) the instrument keeps applying to")
        if self.successor is not None and self.successor == self.predecessor:
            raise ValueError("the successor is the predecessor itself")
        return self
