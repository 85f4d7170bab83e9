# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := wsgi
CATALOG := feedback/translations/vi/LC_MESSAGES/messages

.PHONY: install install-test lock upgrade check-install run serve migrate demo test test-fast lint format translations messages assets bench bench-diff bench-load bench-pages bench-import deploy-check clean

PIP := $(BIN)/pip install --disable-pip-version-check -q
# Every dependency, direct or not, at the version tested, checked against its hash
# (made by `make lock` / `make upgrade` with uv from pyproject.toml's ranges).
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock"

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml setup.py $(LOCK)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r $(LOCK)
	$(PIP) --no-deps -e .
	touch $@

install-test: $(VENV)/.installed-test translations

$(VENV)/.installed-test: $(VENV)/.installed $(TEST_LOCK)
	$(PIP) --require-hashes -r $(TEST_LOCK)
	touch $@

# Re-lock after changing pyproject.toml's dependencies (keeps the locked versions that
# still fit); `make upgrade` moves everything to the newest versions the ranges allow.
lock: $(VENV)/.installed
	$(PIP) 'uv>=0.9,<1'
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --extra test -o $(TEST_LOCK)

upgrade: $(VENV)/.installed
	$(PIP) 'uv>=0.9,<1'
	$(UV_COMPILE) --upgrade -o $(LOCK)
	$(UV_COMPILE) --upgrade --extra test -o $(TEST_LOCK)
	@echo "Locked. Now: make install-test && make test, then commit $(LOCK) and $(TEST_LOCK)."

# A wheel (pip install ., not editable) in a fresh virtualenv, run from outside the
# checkout: migrations, demo, pages in Vietnamese, static files. Not part of `make test`.
check-install: $(VENV)/.installed-test
	$(BIN)/python -m tests.check_install

translations: $(CATALOG).mo

$(CATALOG).mo: $(CATALOG).po $(VENV)/.installed
	$(BIN)/pybabel -q compile -d feedback/translations -D messages

# Re-extract the strings from code and templates and merge them into the catalog.
messages: install-test
	$(BIN)/pybabel -q extract --ignore-dirs '.* __pycache__' -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o feedback/translations/messages.pot .
	$(BIN)/pybabel -q update -N --no-wrap -i feedback/translations/messages.pot -d feedback/translations -D messages

# The in-place editor's bundle (feedback/static/editor.js, editor.css), built from the
# lock file in assets/. Needs Node and npm; nothing else does (the bundle is committed).
assets:
	cd assets && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

migrate: install
	$(BIN)/flask db upgrade
	$(BIN)/flask renders rebuild
	$(BIN)/flask search reindex
	$(BIN)/flask reports sync-figures

demo: migrate
	$(BIN)/flask demo load

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check feedback tests bench deploy wsgi.py setup.py
	$(BIN)/ruff format --check feedback tests bench deploy wsgi.py setup.py

format: install-test
	$(BIN)/ruff format feedback tests bench deploy wsgi.py setup.py
	$(BIN)/ruff check --fix feedback tests bench deploy wsgi.py setup.py

bench-diff: install-test
	$(BIN)/python -m bench.bench_diff

bench: install-test
	$(BIN)/python -m bench.bench_app

bench-import: install-test
	$(BIN)/python -m bench.bench_import

# Pages under load (gunicorn + wrk), as ratios of /healthz; see bench/bench_pages.py.
bench-pages: install-test
	$(BIN)/python -m bench.bench_pages

bench-load: install-test
	$(BIN)/python -m bench.bench_load

# The reference deployment (deploy/) for real on loopback: PostgreSQL, Redis, two app
# instances, the worker and nginx; one instance killed mid-traffic. Not part of `make test`.
deploy-check: install-test
	$(BIN)/python deploy/check.py

clean:
	rm -rf $(VENV) build *.egg-info feedback/translations/*/LC_MESSAGES/*.mo
