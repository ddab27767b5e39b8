# Komvos: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-komvos
HOST ?= 127.0.0.1
PORT ?= 5000

FUZZ_EXAMPLES ?= 1000

# Dependencies are installed from the lock files (exact versions with hashes), generated from
# the ranges in pyproject.toml by `make lock`; `make lock UPGRADE=1` moves every pin to the newest
# version the ranges allow. lock.txt: the app and gunicorn (the Docker image); dev-lock.txt: the
# same pins plus the test and lint tools (make run, make test, CI).
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

.PHONY: run test lint lock translations extract-messages bench bench-web fuzz fuzz-http soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(DEV_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
		echo "The lock files miss a dependency of pyproject.toml: run make lock" >&2; exit 1; }
	touch $@

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv>=0.5'
	$(UV_COMPILE) --extra prod -o $(LOCK)
	$(UV_COMPILE) --extra prod --extra test -c $(LOCK) -o $(DEV_LOCK)

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d web/translations

run: $(STAMP) translations
	$(BIN)/flask --app web db upgrade
	$(BIN)/flask --app web seed-demo --if-empty
	KOMVOS_MAIL_WORKER_THREAD=true KOMVOS_RUN_WORKER_THREAD=true KOMVOS_BASE_URL=$${KOMVOS_BASE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/flask --app web run --host $(HOST) --port $(PORT)

test: $(STAMP) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite SOAK_RUNS times in a row, stopping at the first failure (logs in
# test-results/soak/); add TEST_DATABASE_URL=... PYTEST_ARGS=--ignore=tests/browser for
# `.ci/run`'s PostgreSQL pass.
SOAK_RUNS ?= 10
soak: $(STAMP) translations
	tools/soak.sh $(SOAK_RUNS) $(PYTEST_ARGS)

# The API against its OpenAPI document, far longer than the suite's bounded run (figures in
# the README); add TEST_DATABASE_URL=... to run it on PostgreSQL.
fuzz: $(STAMP) translations
	KOMVOS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -s -q $(PYTEST_ARGS)

# The same through gunicorn (2 workers) and PostgreSQL over HTTP, five identities. It EMPTIES
# the database named by FUZZ_DATABASE_URL; counts in Redis at 127.0.0.1:6379.
FUZZ_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/komvos_fuzz
fuzz-http: $(STAMP) translations
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
	$(BIN)/python bench/web_load.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance test-results .pytest_cache .ruff_cache .mypy_cache .hypothesis
