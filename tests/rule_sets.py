"""The rule sets tests run on: the fictional sample and every bundled one (all must load)."""

from pathlib import Path

import quyche

SAMPLE_PATH = Path(__file__).parent / "data" / "sample.yaml"
SAMPLE = quyche.load(SAMPLE_PATH)
RULE_SETS = {"sample": SAMPLE, **{name: quyche.load(name) for name in quyche.rule_sets()}}
