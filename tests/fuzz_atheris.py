"""Coverage-guided fuzzing of the hypothesis targets in test_fuzz.py, where atheris installs.

    python tests/fuzz_atheris.py load|evaluate|render|files [libFuzzer options]

(e.g. -max_total_time=60).

Atheris mutates bytes by coverage; hypothesis turns them into the same structured input
the suite draws (`fuzz_one_input`), so a crash found here is a failing example of the
hypothesis test, reported with its inputs. `make fuzz` runs each target for a while when
atheris is installed (`pip install -e ".[fuzz]"`), and skips this otherwise.
"""

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))

with atheris.instrument_imports():
    import test_fuzz

TARGETS = {
    "load": test_fuzz.test_load_of_mutated_rule_files,
    "evaluate": test_fuzz.test_evaluate_of_mutated_streams_and_registries,
    "render": test_fuzz.test_every_renderer_on_hostile_texts,
    "files": test_fuzz.test_reading_mutated_event_files,
}

if __name__ == "__main__":
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target.hypothesis.fuzz_one_input)
    atheris.Fuzz()
