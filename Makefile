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

## Every benchmark (each bench/*.py that runs on its own), one after the other: their RESULT
## lines go to var/bench-results.txt, their whole output to var/bench.log. A benchmark that
## fails is named at the end and fails the target, after the others have run.
## Needs DATABASE_URL (PostgreSQL) and, for bench.batch, REDIS_URL. BENCHES="pages batch" runs some.
BENCHES ?= $(shell grep -l '^if __name__ == "__main__":' bench/*.py | xargs -n1 basename | sed 's/\.py$$//')
bench: venv
	@mkdir -p var
	@: > var/bench-results.txt; : > var/bench.log; failed=""; \
	for m in $(BENCHES); do \
		echo "== bench.$$m" | tee -a var/bench.log; \
		$(BIN)/python -m bench.$$m > var/bench.out 2>&1 || failed="$$failed bench.$$m"; \
		cat var/bench.out >> var/bench.log; \
		grep '^RESULT ' var/bench.out | sed "s/^/bench.$$m /" | tee -a var/bench-results.txt; \
	done; \
	rm -f var/bench.out; \
	if [ -n "$$failed" ]; then echo "failed:$$failed (see var/bench.log)"; exit 1; fi

clean:
	rm -rf $(VENV) var
