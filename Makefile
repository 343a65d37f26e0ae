# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench screenshots clean postgres

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=compat
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

pytest: $(STAMP) postgres
	$(BIN)/python -m pytest

bench: $(STAMP) postgres
	$(BIN)/python -m bench

# PostgreSQL's server programs, for the PostgreSQL-backed tests and the bench
# (they run their own scratch server in a temporary folder). Debian's package is
# installed where it is missing, without the cluster it would otherwise create
# and start; nothing happens where it is present.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
	  echo "installing PostgreSQL's server (Debian package postgresql)"; \
	  mkdir -p /etc/postgresql-common && \
	  { [ -e /etc/postgresql-common/createcluster.conf ] || \
	    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf; } && \
	  apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold postgresql >/dev/null; }

# The pictures in README/docs: real windows rendered offscreen with demo accounts.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
