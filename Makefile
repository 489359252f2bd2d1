# One-command entry points. Everything is installed into .venv by these targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
# Your own exports: `empathy init DIR`, then `make run EMPATHY_WORKSPACE=DIR` (or export it).
EMPATHY_WORKSPACE ?=
ifneq ($(strip $(EMPATHY_WORKSPACE)),)
export EMPATHY_WORKSPACE := $(abspath $(EMPATHY_WORKSPACE))
export DAGSTER_HOME := $(EMPATHY_WORKSPACE)/dagster_home
endif
export DAGSTER_HOME ?= $(abspath .dagster_home)
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) -print 2>/dev/null)

.PHONY: setup run test dev bench eval-text lint rollback clean spark-setup spark-check

setup: $(VENV)/.installed $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml

# pip byte-compiles what it installs on one core, `compileall` on every core (a fresh install
# here: 85 -> 42 + 24 s, and 86 -> 78 s). The compiled files are needed: Python reads them at
# every start and, where PYTHONDONTWRITEBYTECODE is set, would not write them itself. A file that
# does not compile (a package's test data, say) is reported and, as pip does, not fatal.
$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-compile -e '.[dev]'
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

# dbt-spark and PySpark (the `spark` extra): for the Spark portability test and spark-check.
SPARK_STAMP := $(VENV)/.spark-installed
$(SPARK_STAMP): $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

# Parsed with the build database `make run` uses: dbt keeps a parse state only for the same
# profile, so the first run of that database parses only what changed (not all, ~5 s).
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	cd dbt_project && EMPATHY_BUILD_DB="$$($(BIN)/python -c 'from orchestration.settings import Settings; print(Settings.from_env().build_db)')" \
	  $(BIN)/dbt parse --quiet --profiles-dir . --project-dir .
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp $< $@

## make run: demo exports if the landing folder is empty, every asset, publish, scorecard.
run: setup
	$(BIN)/empathy run

## make test: the whole test suite (installs the `spark` extra: the Spark portability test
## runs when Java is installed, as in CI; `make spark-setup` installs it).
test: setup $(SPARK_STAMP)
	$(BIN)/ruff check orchestration empathy_devtools tests
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder

## make dev: the Dagster UI on http://127.0.0.1:3000 (no authentication: loopback only);
## Ctrl-C or SIGTERM stops it within 10 s.
DEV_PORT ?= 3000
dev: setup
	exec $(BIN)/empathy dev --host 127.0.0.1 --port $(DEV_PORT)

## make bench: benchmarks; figures are written to docs/benchmarks/
## (`make bench BENCH_ARGS=--large` adds 200,000 customers).
bench: setup
	$(BIN)/empathy bench $(BENCH_ARGS)

eval-text: setup
	$(BIN)/empathy eval-text

## make rollback: put the previous publication back in place.
rollback: setup
	$(BIN)/empathy rollback

## make spark-setup: Java from Debian's packages (default-jre-headless, when `java` is missing;
## needs root) and dbt-spark with PySpark, for the `spark` dbt target (docs/spark.md).
spark-setup: setup $(SPARK_STAMP)
	@command -v java >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@java -version

## make spark-check: the dbt models built on a local Spark from the build database's sources
## (run `make run` first), every published mart compared with the DuckDB build.
spark-check: spark-setup
	$(BIN)/empathy spark-check

lint: setup
	$(BIN)/ruff check orchestration empathy_devtools tests
	$(BIN)/ruff format --check orchestration empathy_devtools tests

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs
