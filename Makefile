# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes.
# The `load` extra (Locust) is installed too: `make test` runs the load tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run server test lint typecheck pytest bench screenshots web browser postgres clean

# The guide's web pages (server_stub/web): better-auth's client and a QR
# library from the npm registry, bundled by esbuild into a git-ignored folder.
# No lock file (`--no-package-lock`): web/package.json pins exact versions.
WEB_BUNDLE := server_stub/web/dist/app.js
WEB_MODULES := web/node_modules/.installed
# CI is a fresh Debian machine where we are root: install what is missing
# (apt-get update first; wait for a dpkg lock another install holds). Where
# that is impossible, say so and go on: the browser test then skips loudly.
APT_INSTALL = { [ "$$(id -u)" = 0 ] && apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $(1) >/dev/null; } || \
	echo "WARNING: could not install $(1) (needs root and Debian's apt); the browser test will be skipped" >&2

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,load]' --config-settings editable_mode=compat
	# What an installed `desktop-2fa` pays on every start: `compat` puts the
	# source folder on sys.path (no import finder of its own), and the venv's
	# setuptools, which nothing here uses (builds are isolated), would add a
	# distutils shim that site.py imports each time (about 1 ms).
	$(BIN)/pip uninstall --yes --quiet setuptools
	# An editable install compiles nothing; without bytecode every start of
	# `desktop-2fa` would recompile the package (PYTHONDONTWRITEBYTECODE is common).
	$(BIN)/python -m compileall -q desktop_2fa server_stub
	# Likewise the methods `dataclasses` writes for `code` and `list` (cli/quick_dataclasses.py).
	$(BIN)/python -m desktop_2fa.cli.quick_dataclasses
	touch $(STAMP)

run: $(STAMP)
	@$(BIN)/desktop-2fa

# The reference server with its web pages at http://127.0.0.1:3000/ (ARGS=... for options).
server: $(STAMP) web
	$(BIN)/desktop-2fa-server $(ARGS)

# Node.js (for the bundle) when missing; then the bundle itself.
web:
	@command -v npm >/dev/null 2>&1 || $(call APT_INSTALL,nodejs npm)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(WEB_BUNDLE); fi

$(WEB_MODULES): web/package.json
	cd web && npm install --no-package-lock --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_BUNDLE): $(WEB_MODULES) $(wildcard web/src/*.js web/src/*/*.js)
	mkdir -p $(dir $@)
	web/node_modules/.bin/esbuild web/src/main.js --bundle --format=esm --platform=browser \
		--target=es2022 --minify --legal-comments=eof --log-level=warning --outfile=$@.tmp
	mv $@.tmp $@

# Debian's Chromium for the browser test and the web screenshots (Playwright
# drives it; it never downloads a browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || $(call APT_INSTALL,chromium)

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy --strict on everything below the UI (DESIGN.md, house style 8).
typecheck: $(STAMP)
	$(BIN)/mypy desktop_2fa server_stub

pytest: $(STAMP) web browser postgres
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
screenshots: $(STAMP) web browser
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs
	$(BIN)/python tools/web_screenshots.py docs

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
	rm -rf web/node_modules server_stub/web/dist
