# The two commands: `make run` (the app with demo data on embedded defaults) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: setup run test lint format worker beat web messages bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Mail links point at HOST; the periodic jobs (reminder sweep, digests, mail dispatch) run beside
# the server on their schedule, as beat and a worker do in production, and stop with it.
run: export SITE_URL = http://$(HOST)
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Open http://$(HOST)/ (the outbox for sent mail is at http://$(HOST)/outbox/, as admin@example.org)"
	$(BIN)/python manage.py run_schedule & schedule=$$!; \
	  trap 'kill $$schedule 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST)

# Two test processes (pytest-xdist), each with its own test database, media folder and Celery
# keys, taking whole modules; TEST_PROCESSES=0 runs the suite in this one process.
TEST_PROCESSES ?= 2

test: setup
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# For translators (needs gettext): refresh the catalogues, translate, then compile; both the .po
# and the .mo files are committed so running the app needs no gettext tools.
messages: setup
	$(BIN)/python manage.py makemessages -l fr -l es --no-obsolete --ignore=.venv --ignore=build --ignore=media --ignore=test-artifacts
	$(BIN)/python manage.py compilemessages --ignore=.venv

# The full stack without Docker: PostgreSQL and Redis from DATABASE_URL and REDIS_URL, every
# process on the production settings (SECRET_KEY and ALLOWED_HOSTS from the environment).
PRODUCTION := DJANGO_SETTINGS_MODULE=config.settings.production
WORKERS ?= 3

web: setup
	$(PRODUCTION) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PRODUCTION) $(BIN)/gunicorn config.wsgi --bind $(HOST) --workers $(WORKERS) --timeout 60

worker: setup
	$(PRODUCTION) $(BIN)/celery -A config worker --loglevel=INFO

beat: setup
	mkdir -p build
	$(PRODUCTION) $(BIN)/celery -A config beat --loglevel=INFO

# The benchmark harness (benchmarks/run.py): gunicorn on the production settings over PostgreSQL,
# every page against the floor of the same run. DATABASE_URL names the server and the prefix of the
# databases it makes; BENCH_ARGS="--coalitions 10 --per 100 --repeats 5" for a quick run.
bench: setup
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)
