# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes.
# The `load` extra (Locust) is installed too: `make test` runs the load tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,load]' --config-settings editable_mode=compat
	# An editable install compiles nothing; without bytecode every start of
	# `desktop-2fa` would recompile the package (PYTHONDONTWRITEBYTECODE is common).
	$(BIN)/python -m compileall -q desktop_2fa server_stub
	touch $(STAMP)

run: $(STAMP)
	@$(BIN)/desktop-2fa

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy --strict on everything below the UI (DESIGN.md, house style 8).
typecheck: $(STAMP)
	$(BIN)/mypy desktop_2fa server_stub

pytest: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# The pictures in README/docs: real windows rendered offscreen with demo accounts.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
