# Komvos: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-komvos
HOST ?= 127.0.0.1
PORT ?= 5000

FUZZ_EXAMPLES ?= 1000

.PHONY: run test lint translations extract-messages bench bench-web fuzz fuzz-http clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d web/translations

run: $(STAMP) translations
	$(BIN)/flask --app web db upgrade
	$(BIN)/flask --app web seed-demo --if-empty
	KOMVOS_MAIL_WORKER_THREAD=true KOMVOS_BASE_URL=$${KOMVOS_BASE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/flask --app web run --host $(HOST) --port $(PORT)

test: $(STAMP) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The API against its OpenAPI document, far longer than the suite's bounded run (figures in
# the README); add TEST_DATABASE_URL=... to run it on PostgreSQL.
fuzz: $(STAMP) translations
	KOMVOS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -s -q $(PYTEST_ARGS)

# The same through gunicorn (2 workers) and PostgreSQL over HTTP, five identities. It EMPTIES
# the database named by FUZZ_DATABASE_URL; counts in Redis at 127.0.0.1:6379.
FUZZ_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/komvos_fuzz
fuzz-http: $(STAMP) translations
	$(BIN)/python -m pip install --quiet -e '.[test,prod]'
	KOMVOS_DATABASE_URL=$(FUZZ_DATABASE_URL) $(BIN)/python tools/fuzz_http.py --examples $(FUZZ_EXAMPLES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# After changing user-visible strings: refresh the catalogues, translate, then `make translations`.
extract-messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o web/translations/messages.pot .
	$(BIN)/pybabel -q update -i web/translations/messages.pot -d web/translations -w 100

bench: $(STAMP)
	$(BIN)/python bench/engine.py

# gunicorn (2 workers, production settings) on PostgreSQL under wrk. It EMPTIES and seeds the
# database named by BENCH_DATABASE_URL (demo x 50); figures in bench/RESULTS.md.
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/komvos_bench
bench-web: $(STAMP) translations
	$(BIN)/python -m pip install --quiet -e '.[test,prod]'
	$(BIN)/python bench/web.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance test-results .pytest_cache .ruff_cache .mypy_cache .hypothesis
