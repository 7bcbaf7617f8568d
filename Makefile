# Interlock — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run test bench lint typecheck setup dev-setup migrate demo clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
dev-setup: $(VENV)/.installed-dev

migrate: setup
	$(BIN)/interlock migrate --noinput

## make run: set up, migrate, seed the demo on first start, serve web + worker on :8000
run: migrate
	$(BIN)/interlock demo --if-empty
	$(BIN)/interlock serve

## make test: install dev dependencies and run the whole suite
test: dev-setup
	$(BIN)/pytest

lint: dev-setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: dev-setup
	$(BIN)/mypy src

## make bench: run the benchmarks; prints a table, writes var/bench/*.json
# The HTTP benchmarks take their load from wrk (a compiled client that leaves
# the cores to the server); on Debian it is installed here when missing, else
# they fall back to Python client threads and say so in their results.
bench: dev-setup
	@command -v wrk >/dev/null || ! command -v apt-get >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi; } || \
	  echo "wrk could not be installed: the HTTP benchmarks use Python client threads"
	$(PY) -m bench

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
messages: dev-setup
	cd src/interlock && ../../$(BIN)/interlock makemessages -l de --ignore=.venv
	cd src/interlock && ../../$(BIN)/interlock compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
