# Ngày Hội: `make run` serves the demo at http://127.0.0.1:5000; `make test` runs the whole suite.
# Both set everything up first (virtualenv, Python and npm packages, translations, database).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
STAMPS := .make
HOST   ?= 127.0.0.1
PORT   ?= 5000
PO     := $(wildcard festival/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

# Local development runs in debug mode: a development SECRET_KEY is allowed there and only there.
export FLASK_DEBUG ?= 1

.PHONY: run test setup db demo bench lint format lock messages clean

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(STAMPS)/python $(STAMPS)/npm $(MO)

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) festival demo

# Without BENCH_ARGS: SQLite, then PostgreSQL (a throwaway database on 127.0.0.1:5432).
bench: setup
ifeq ($(strip $(BENCH_ARGS)),)
	$(PY) bench/run.py --database sqlite
	$(PY) bench/run.py --database postgresql
else
	$(PY) bench/run.py $(BENCH_ARGS)
endif
	$(PY) bench/conflicts.py
	$(PY) bench/feeds.py
	$(PY) bench/registration.py
	$(PY) bench/checkin.py
	$(PY) bench/scanner.py

lint: setup
	$(VENV)/bin/ruff check festival tests bench
	$(VENV)/bin/ruff format --check festival tests bench

format: setup
	$(VENV)/bin/ruff format festival tests bench
	$(VENV)/bin/ruff check --fix festival tests bench

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Ngày Hội needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/python: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: package.json package-lock.json scripts/vendor.mjs
	@command -v npm >/dev/null || { echo "Ngày Hội needs Node.js and npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@mkdir -p $(STAMPS) && touch $@

%.mo: %.po $(STAMPS)/python
	$(VENV)/bin/pybabel compile -i $< -o $@

# After changing user-facing strings: extract them and update both catalogs, then translate.
messages: $(STAMPS)/python
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o festival/translations/messages.pot .
	$(VENV)/bin/pybabel update -i festival/translations/messages.pot -d festival/translations --no-fuzzy-matching \
		--width 120 --ignore-obsolete
	$(PY) scripts/fill_en_catalog.py

# Re-pin every Python dependency (after changing pyproject.toml).
lock: | $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules static/vendor $(STAMPS) $(MO)
