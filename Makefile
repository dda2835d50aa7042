# The README's commands. Each target creates the virtualenv it needs (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test browser-test hunt fuzz bench house lint docs schema comparison clean

$(BIN)/python:
	@echo "==> creating the virtualenv $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs only the package; the tests need the dev extras too.
$(BIN)/.demo-installed: pyproject.toml | $(BIN)/python
	@echo "==> installing quyche into $(VENV) (about a minute the first time)"
	$(BIN)/python -m pip install --quiet --progress-bar on -e .
	touch $@

$(BIN)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> installing quyche with its dev extras into $(VENV) (a minute or two the first time)"
	$(BIN)/python -m pip install --quiet --progress-bar on -e ".[dev]"
	touch $@ $(BIN)/.demo-installed

## demo: evaluate the bundled Kon Tum example log and print the findings
demo: $(BIN)/.demo-installed
	@echo "==> the bundled rule sets, then the Kon Tum example log of 2024"
	$(BIN)/quyche list
	$(BIN)/quyche validate $$($(BIN)/python -c 'import quyche; print(*quyche.rule_sets())')
	$(BIN)/quyche check kontum examples/kontum/events.jsonl --sites examples/kontum/sites.yaml \
	    --as-of 2024-12-31T23:59:59+07:00 --limit 25

## test: the whole suite, lint, the types (mypy), and a strict documentation build
test: $(BIN)/.installed
	@echo "==> the test suite"
	$(BIN)/python -m pytest
	@echo "==> lint"
	$(BIN)/ruff check src tests benchmarks
	@echo "==> types (mypy as pyproject.toml configures it: strict on evaluation/ and time/)"
	$(BIN)/mypy
	@echo "==> the documentation, built strictly"
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

## browser-test: the HTML pages in headless Debian chromium (installs it), screenshots in build/
browser-test: $(BIN)/.installed
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q tests/test_browser.py -rs
	@echo "screenshots: build/screenshots/"

## hunt: the property tests with many random examples, to find new failures (not a gate)
hunt: $(BIN)/.installed
	HYPOTHESIS_PROFILE=hunt $(BIN)/python -m pytest -q tests/test_properties.py \
	    tests/test_testing.py tests/test_durable.py tests/test_diff.py tests/test_loader.py \
	    tests/test_partial.py tests/test_monitor.py

## fuzz: hostile input through every entry point for a few minutes (not a gate): the
## hypothesis targets of tests/test_fuzz.py long and random, memory capped at 4 GB, then
## each driven by atheris where it installs (FUZZ_SECONDS per target)
fuzz: $(BIN)/.installed
	-$(BIN)/python -m pip install --quiet -e ".[fuzz]"
	ulimit -v 4000000; HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider \
	    -W ignore::hypothesis.errors.HypothesisWarning tests/test_fuzz.py
	if $(BIN)/python -c "import atheris" 2>/dev/null; then for target in load evaluate render files; do \
	    HYPOTHESIS_PROFILE=fuzz $(BIN)/python tests/fuzz_atheris.py $$target \
	    -max_total_time=$${FUZZ_SECONDS:-60} -rss_limit_mb=4000 || exit 1; done; \
	else echo "atheris not installed: hypothesis targets only"; fi

## bench: events/s native vs durable_rules, memory at N and 10 N, 40 partials merged once
bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench.py --events $${EVENTS:-200000}

## house: the figures a reviewer reads from the code: module and function lengths, import
## cycles, private names crossing packages, mypy errors per file (not a gate by itself)
house: $(BIN)/.installed
	$(BIN)/python benchmarks/house.py

## schema, comparison: regenerate committed artefacts (tests fail when they are stale)
schema: $(BIN)/.installed
	$(BIN)/quyche schema > schema/rule-set.schema.json
	for name in scenario rule-sets report partial diff compare schedule explain; do \
	    $(BIN)/quyche schema $$name > schema/$$name.schema.json || exit 1; done
comparison: $(BIN)/.installed
	$(BIN)/quyche compare --format markdown > docs/comparison.md
	$(BIN)/quyche diff kontum laichau --format markdown > docs/kontum-laichau.md
	$(BIN)/python -c "import quyche; from quyche.analysis.interpretations_page import interpretations_markdown as m; \
	    print(m([quyche.load(n) for n in quyche.rule_sets()]), end='')" > docs/interpretations.md

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
