# Everything a fresh machine needs: `make demo` and `make test` create the
# virtual environment themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench bench-quick bench-parallel clean conformance

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/trialish --reactor asyncio --temp-directory _trial_temp_demo examples

test: $(STAMP)
	$(BIN)/trialish tests

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
