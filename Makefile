# Two commands for people: `make run` and `make test`. Everything else is for CI and developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test venv lint typecheck messages check-migrations check-deploy bench clean

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

venv: $(BIN)/.installed

## Start the demo on the embedded default: SQLite, eager tasks, demo data.
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

## The whole test suite (PostgreSQL and Redis tests run when DATABASE_URL / REDIS_URL are set).
test: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy

check-migrations: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: venv
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=check-deploy-$$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=kaoping.example.gov.cn \
	DATABASE_URL=$${DATABASE_URL:-postgres://kaoping@127.0.0.1:5432/kaoping} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## Regenerate the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: venv
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=static --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: venv
	@mkdir -p var
	@: > var/bench.txt
	@for m in $$(ls bench/*.py | xargs -n1 basename | sed -n 's/^\([a-z][a-z_]*\)\.py$$/\1/p' | grep -v '^common$$'); do \
		echo "== bench.$$m"; $(BIN)/python -m bench.$$m | tee -a var/bench.log | grep '^RESULT ' | sed "s/^/$$m /" >> var/bench.txt; \
	done
	@cat var/bench.txt

clean:
	rm -rf $(VENV) var
