# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := wsgi
CATALOG := feedback/translations/vi/LC_MESSAGES/messages

.PHONY: install install-test run serve migrate demo test test-fast lint format translations messages assets bench bench-diff bench-load bench-pages bench-import clean

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

install-test: $(VENV)/.installed-test translations

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $@

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

demo: migrate
	$(BIN)/flask demo load

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check feedback tests bench wsgi.py
	$(BIN)/ruff format --check feedback tests bench wsgi.py

format: install-test
	$(BIN)/ruff format feedback tests bench wsgi.py
	$(BIN)/ruff check --fix feedback tests bench wsgi.py

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

clean:
	rm -rf $(VENV) build *.egg-info feedback/translations/*/LC_MESSAGES/*.mo
