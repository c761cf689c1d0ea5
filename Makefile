# Two commands do everything on a fresh machine with Python 3.11+ and pip:
#   make run    build the venv, serve on http://127.0.0.1:8000 (guide serve migrates first)
#   make test   build the venv, lint, run every test (browser tests included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check bench-reader bench-quiz bench-instructor clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/guide serve

test: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/python -m pytest -n auto --dist worksteal

check: $(STAMP)
	$(BIN)/guide check

# Benchmarks (need Debian's wrk and nginx); each prints its figures.
bench-reader: $(STAMP)
	$(BIN)/python -m bench.reader

bench-quiz: $(STAMP)
	$(BIN)/python -m bench.quiz_submit

bench-instructor: $(STAMP)
	$(BIN)/python -m bench.instructor

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache
