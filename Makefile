# Two entry points: `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= out/demo

.PHONY: demo test check install bench mutants clean posterior

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -e '.[test]'
	@$(PY) -m compileall -q outreach optimizer scenarios maps > /dev/null
	@touch $@

install: $(VENV)/.installed

# Bytecode compiled ahead (the packages at install, the project's own modules here: only what changed):
# each run of the command line otherwise compiles every module it imports again (5 s on the demo) where
# PYTHONDONTWRITEBYTECODE is set or the folders are read-only.
demo: install
	@$(PY) -m compileall -q outreach optimizer scenarios maps > /dev/null
	$(VENV)/bin/outreach demo --out $(OUT)

# Static checks: lint (ruff: style, complexity <= 14, <= 8 arguments), types (mypy), no 6+ duplicated lines.
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pylint --disable=all --enable=duplicate-code --min-similarity-lines=6 --score=n outreach optimizer scenarios maps

test: install
	$(PY) -m pytest -n 2 --dist loadfile -q

bench: install
	$(PY) benchmarks/routing.py
	$(PY) benchmarks/simulation.py

# The shipped posterior of the API 2012 campaign and the engine's defaults from its means (a few minutes on 2 cores).
# Rerun after any change to the response model, the registry (scenarios/calibration/registry.py) or observed.csv.
posterior: install
	$(VENV)/bin/outreach calibrate scenarios/api-2012/observed.csv --scenario scenarios/api-2012.toml \
		--out scenarios/api-2012/posterior --defaults outreach/data/calibrated.json

# Mutation testing (issue 19): mutmut on the loaders (outreach/io/), the acoustics, the response model and the
# roster's callback rules (optimizer/roster/jobs.py, schedule.py), with the tests listed
# under [tool.mutmut] in pyproject.toml; one worker (about half an hour when new). Progress goes to benchmarks/out/mutmut.log;
# the score per module, after the equivalent mutants listed in benchmarks/mutants.py, to benchmarks/out/mutants.json
# and .md. Rerunning only tests the mutants whose code changed (name others: mutmut run NAME...).
SHARED ?= $(abspath ../shared)

$(VENV)/bin/mutmut: | $(VENV)/.installed
	$(VENV)/bin/uv pip install -q --python $(PY) 'mutmut==3.8.1'

mutants: install $(VENV)/bin/mutmut
	@mkdir -p benchmarks/out
	OUTREACH_SHARED=$(SHARED) $(VENV)/bin/mutmut run --max-children 1 > benchmarks/out/mutmut.log 2>&1 || \
		{ tail -c 3000 benchmarks/out/mutmut.log; exit 1; }
	$(PY) benchmarks/mutants.py --mutmut $(VENV)/bin/mutmut --out benchmarks/out

clean:
	rm -rf $(VENV) out .pytest_cache mutants
