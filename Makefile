# Khaya: `make run` serves the demo, `make test` runs every test. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
BIN := .venv/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup run test stop lint bench db-status
.PHONY: drill

help:
	@echo "make run    set up everything and serve the Lamphun demo on http://$(HOST):$(PORT)"
	@echo "make test   set up everything and run the whole test suite"
	@echo "make stop   stop the web server, the job-queue workers, PostgreSQL and Redis"
	@echo "make lint   ruff, mypy, and ESLint with tsc --noEmit for the web app"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make fuzz   a long Schemathesis run over every API operation (FUZZ_EXAMPLES=$(FUZZ_EXAMPLES))"
	@echo "make drill  load drill at twice the Lamphun peak, then the fault drills (restarts the private PostgreSQL once)"
	@echo "make backup [DB=khaya] [FILE=path]  dump a database to var/backups/ (pg_dump -Fc)"
	@echo "make restore FILE=path [DB=khaya]   restore a dump into a fresh database (FORCE=1 replaces one)"

.venv/.installed: pyproject.toml requirements.lock scripts/bootstrap.sh
	@bash scripts/bootstrap.sh

setup: .venv/.installed
	@bash scripts/frontend.sh

run: setup
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

test: setup
	@bash scripts/ensure_browser.sh
	@bash scripts/ensure_tool.sh ogrinfo gdal-bin
	@bash scripts/ensure_tool.sh pdftotext poppler-utils
	@bash scripts/test.sh $(PYTEST_ARGS)

stop:
	@bash scripts/supervise.sh stop
	@bash scripts/db.sh stop
	@bash scripts/redis.sh stop

db-status:
	@bash scripts/db.sh status

lint: setup
	$(BIN)/ruff check backend seed tests bench
	$(BIN)/mypy backend/khaya
	@bash scripts/frontend.sh lint

bench: setup
	@bash scripts/db.sh ensure khaya
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

.PHONY: backup restore

backup:
	DB="$(DB)" FILE="$(FILE)" bash scripts/backup.sh

restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/khaya-....dump [DB=name] [FORCE=1]"; exit 2; }
	DB="$(DB)" FORCE="$(FORCE)" bash scripts/restore.sh "$(FILE)"

# DRILL_ARGS reach the load drill, e.g. DRILL_ARGS="--duration 60".
drill: setup
	@rc=0; $(BIN)/python bench/load.py $(DRILL_ARGS) || rc=1; \
	$(BIN)/python bench/faults.py all || rc=1; exit $$rc

# The bounded fuzz run is part of `make test`; this one generates many more requests per operation.
FUZZ_EXAMPLES ?= 300
.PHONY: fuzz
fuzz: setup
	KHAYA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) bash scripts/test.sh tests/test_api_fuzz.py $(PYTEST_ARGS)
