# Two entry points: `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= out/demo

.PHONY: demo test check install bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --python $(PY) -e '.[test]'
	@touch $@

install: $(VENV)/.installed

demo: install
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

clean:
	rm -rf $(VENV) out .pytest_cache
