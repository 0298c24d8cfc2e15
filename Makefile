# The project's contract: make install | run | test | lint (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Everything make starts runs in the embedded local mode (SQLite, filesystem broker, mail into
# var/mail/, a local key) unless the environment says DJANGO_ENV=production. Settings refuse to
# start in production without DATABASE_URL, REDIS_URL and an e-mail setting.
export DJANGO_ENV ?= local

.PHONY: install run dev test lint audit format messages bench clean mutation

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

messages:
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

run: install messages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py run_daily_scan
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py runlocal --host $(HOST) --port $(PORT)

# The same, with Django's debug pages (tracebacks in the browser): an explicit choice.
dev: export DJANGO_DEBUG := true
dev: run

# The suite in TEST_WORKERS processes (pytest-xdist; each its own test database, Redis database
# and ports, see tests/local_mode.py); TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= 2
test: install messages
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the locked dependencies (needs network to PyPI; says so if it has none).
audit: install
	$(BIN)/python .ci/audit_dependencies.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Inject one wrong line at a time into the access rules and the state transitions and check a
# test fails (tools/mutation.py); writes the score to tools/MUTATION.md.
mutation: install messages
	$(BIN)/python -m pytest -q -p no:cacheprovider -p tools.mutation --mutate \
	  tests/responsibilities/test_access.py tests/followup/test_transitions.py \
	  tests/followup/test_save_draft.py tests/followup/test_access.py

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/ staticfiles/
