"""Every reading of open text, on one page: docs/interpretations.md.

Analysts review the interpretations of all rule sets together, each with its
question, its reading, the alternatives and the article it reads; `make
comparison` writes the page and a test keeps it current.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import RuleSet
from ..render import cite, md_text

__all__ = ["interpretations_markdown"]


def interpretations_markdown(rule_sets: list[RuleSet]) -> str:
    """Every reading of open text in the given rule sets, as a Markdown page for analysts.

    Generated into docs/interpretations.md (`make comparison`); a test keeps it current.
    """
    lines = ["# Interpretations", "",
             "Every place where a text leaves a value open and the rule set encodes a reading.",
             "Each can be overridden: `quyche.load(id, interpretations={ID: VALUE})` or",
             "`quyche check ... -i ID=VALUE`. Generated from `rules/*.yaml` by `make comparison`.",
             ""]
    for rs in rule_sets:
        lines += [f"## {rs.province} (`{rs.id}`): {len(rs.interpretations)}", "",
                  "| id | value | alternatives | question | reading | article |",
                  "|---|---|---|---|---|---|"]
        for i in rs.interpretations:
            where = cite(i.source) if i.source and i.source.article else ""
            cells = [f"`{i.id}`", _cell(i.value), ", ".join(_cell(a) for a in i.alternatives),
                     _cell(i.question), _cell(i.reading), where]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return md_text(str(text), cell=True)
