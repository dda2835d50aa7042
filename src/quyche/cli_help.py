"""Typer's help and messages, made plain for the `quyche` command line.

Typer shows an argument as `{RULES} <str>`, a flag as `--en <bool>`, and passes on
pydantic's wording ("Value error, 'x' is not one of ..."). These classes show names a
reader knows (RULES, [NAME], FILES..., a flag alone) and say the problem plainly.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.core

__all__ = ["PlainCommand", "PlainGroup", "plain"]


def plain(message: str) -> str:
    """A message without pydantic's "Value error, " in it."""
    return message.replace("Value error, ", "")


class PlainArgument(typer.core.TyperArgument):
    """An argument shown by its name (RULES, [NAME], FILES...), not its type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    @property
    def display_name_raw(self) -> str:  # the help's name column and messages
        return (self.metavar or (self.name or "").upper()) + ("..." if self.nargs != 1 else "")

    def _rich_display_name(self) -> str:
        return self.display_name_raw

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"


def _flags_take_no_value(params: list[Any]) -> None:
    for param in params:
        if param is not None and getattr(param, "is_flag", False) and not param.metavar:
            param.metavar = ""  # shown as `--en`, not `--en <bool>`


class _Plain:
    """What the command and the group share: plain arguments, flags and messages."""

    params: list[Any]

    def _make_plain(self) -> None:
        for param in self.params:
            if type(param) is typer.core.TyperArgument:
                param.__class__ = PlainArgument  # same fields, other display
        _flags_take_no_value(self.params)

    def get_params(self, ctx: Any) -> list[Any]:  # with --help and the completion options
        params = super().get_params(ctx)  # type: ignore[misc]
        _flags_take_no_value(params)
        return params  # type: ignore[no-any-return]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except typer.BadParameter as exc:
            exc.message = plain(exc.message)
            raise


class PlainCommand(_Plain, typer.core.TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._make_plain()


class PlainGroup(_Plain, typer.core.TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._make_plain()
