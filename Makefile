# Everything a fresh machine needs: `make demo` and `make test` create the
# virtual environment themselves.
PYTHON ?= python3
# bash: the recipes below use here-strings (<<<) and pipefail
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test canary bench bench-quick bench-parallel clean conformance

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/trialish --reactor asyncio --temp-directory _trial_temp_demo examples

# CI must not trust trialish alone: a bug in its engine or reporting could hide
# failures of its own suite.  So the suite runs twice, under trialish and under
# the stdlib's `python -m unittest`, which shares no code with trialish (every
# test class's base, tests/_support.TestCase, keeps the stdlib's run()).  Both
# must pass and run the same number of tests (tests/samples/ is for neither).
test: $(STAMP) canary
	@set -uo pipefail; logs=$$(mktemp -d); trap 'rm -rf "$$logs"' EXIT; failed=0; \
	echo "== trialish tests"; \
	$(BIN)/trialish tests 2>&1 | tee "$$logs/trialish" || failed=1; \
	echo "== python -m unittest discover -s tests -t ."; \
	$(BIN)/python -m unittest discover -s tests -t . 2>&1 | tee "$$logs/unittest" || failed=1; \
	ran_trialish=$$(grep -o '^Ran [0-9]* tests' "$$logs/trialish" | tail -n 1); \
	ran_unittest=$$(grep -o '^Ran [0-9]* tests' "$$logs/unittest" | tail -n 1); \
	if [ -z "$$ran_trialish" ] || [ "$$ran_trialish" != "$$ran_unittest" ]; then \
		echo "make test: trialish: '$$ran_trialish', unittest: '$$ran_unittest' -- not the same suite" >&2; \
		failed=1; fi; \
	exit $$failed

# The canary: tests/samples/canary has known outcomes (2 pass, 1 fails, 1 errors,
# 1 is skipped).  Checked here by exit status and grep only -- not by trialish
# or Python test code -- so a trialish that reports failures as passes fails CI
# even if it would also pass its own suite.
CANARY_SUMMARY := FAILED (skips=1, failures=1, errors=1, successes=2)
canary: $(STAMP)
	@set -u; out=$$($(BIN)/trialish --temp-directory _trial_temp_canary \
		tests/samples/canary/test_canary.py 2>&1); code=$$?; \
	if [ $$code -ne 1 ] || ! grep -q '^Ran 5 tests in ' <<<"$$out" \
		|| ! grep -qxF '$(CANARY_SUMMARY)' <<<"$$out"; then \
		printf '%s\n' "$$out"; \
		echo "make canary: expected exit 1 and '$(CANARY_SUMMARY)'; got exit $$code" >&2; \
		exit 1; fi; \
	echo "canary: exit 1 and '$(CANARY_SUMMARY)', as expected"

clean:
	rm -rf $(VENV) _trial_temp* .trialish *.egg-info

bench: $(STAMP)
	$(BIN)/python bench/run.py

bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick

# -j against -j1 and trial -j2 on 2,000 CPU-bound and 2,000 trivial tests.
bench-parallel: $(STAMP)
	$(BIN)/python bench/parallel.py

# Twisted's test-only dependencies go to conformance/.work/deps (on the
# runners' PYTHONPATH), not into the venv.
CONFORMANCE_DEPS := conformance/.work/deps

$(CONFORMANCE_DEPS)/.stamp: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade --target $(CONFORMANCE_DEPS) PyHamcrest hypothesis cython-test-exception-raiser
	touch $@

conformance: $(STAMP) $(CONFORMANCE_DEPS)/.stamp
	$(BIN)/python conformance/run.py
