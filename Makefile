# The two newcomer commands: `make run` and `make test` (see README.md).
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app angela
INSTALLED := $(VENV)/.installed

.PHONY: setup run test lint bench db words

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Leaflet (the map) and GeographicLib (geodesic distances on the phone) from
# the npm registry (package-lock.json pins them), copied into the git-ignored
# angela/static/vendor/; axe-core stays in node_modules for tests.
VENDOR := angela/static/vendor/.installed

$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p $(@D)/leaflet $(@D)/geographiclib
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(@D)/leaflet/
	cp -r node_modules/leaflet/dist/images $(@D)/leaflet/
	cp node_modules/geographiclib-geodesic/geographiclib-geodesic.min.js $(@D)/geographiclib/
	touch $@

setup: $(INSTALLED) $(VENDOR)

# A secret key of this machine's own, kept in the git-ignored instance folder.
instance/secret_key:
	mkdir -p instance
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed

run: db instance/secret_key
	ANGELA_SECRET_KEY=$$(cat instance/secret_key) PORT=$(PORT) \
		$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy angela
	# The layer contract (pyproject.toml): faces → services → models → core.
	$(BIN)/lint-imports
	node_modules/.bin/eslint angela/static angela/public/sw.js
	# Models and migrations agree (on a throwaway in-memory database).
	ANGELA_DATABASE_URL=sqlite:// $(FLASK) db check

# In parallel, one worker per core (pytest-xdist), each test file whole on
# one worker so that its module-wide servers start once.
test: lint
	$(BIN)/pytest -n auto --dist loadfile --durations=15

# The public face's messages: extract them from the code (French, the
# source) into the template, then bring every language's catalogue up to
# date with it; translators fill what is new or fuzzy (angela/translations/README.md).
PYBABEL := $(BIN)/pybabel
words: setup
	$(PYBABEL) extract -F babel.cfg -k lazy_gettext -k ngettext:1,2 -c Translators: --add-location=file \
		--no-wrap --sort-by-file --omit-header -o angela/translations/messages.pot .
	$(PYBABEL) update -i angela/translations/messages.pot -d angela/translations \
		--no-wrap --ignore-obsolete

bench: setup
	$(BIN)/python bench/nearest.py

# The public page on a phone profile: offline-first figures, then Lighthouse
# (pinned in bench/lighthouse/, installed there by npm ci on first use).
.PHONY: bench-page
bench-page: setup
	$(BIN)/python bench/offline_page.py
	$(BIN)/python bench/lighthouse.py

# The HTTPS front of deploy/ (nginx + gunicorn on loopback) scored by the MDN
# HTTP Observatory's library (pinned in bench/observatory/, installed there
# by npm ci on first use). Needs nginx (apt-get install nginx).
.PHONY: bench-observatory
bench-observatory: setup
	$(BIN)/python bench/observatory.py
