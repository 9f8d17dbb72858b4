# The README's commands. Each target installs what it needs on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: demo test lint typecheck bench references clean install pdf-libs web-test-deps explore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,bench,web,semantic]"
	$(MAKE) pdf-libs
	touch $(STAMP)

## the PDF of `humsec review` (WeasyPrint) needs Debian's pango; installed when missing and possible
pdf-libs:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	  && (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) \
	  || echo "note: pango not installed: humsec review will write HTML only (install libpango-1.0-0 libpangoft2-1.0-0)"; }

install: $(STAMP)

## make demo: install, run the Alkire-Foster analysis on the bundled survey (outputs in demo-out/),
## then the Human Security Review of examples/demo-review.yaml (demo-out/review/review.html and .pdf)
demo: $(STAMP)
	$(BIN)/humsec demo --out demo-out
	$(BIN)/humsec review examples/demo-review.yaml --out demo-out/review

## make test: install, then lint (ruff), type-check (mypy) and run the tests (pytest)
test: $(STAMP) lint typecheck web-test-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=25

## make explore: the fuzz tests with fresh random draws (make test
## repeats the same draws every run, so CI never fails on a new one); a failure prints its example
explore: $(STAMP)
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz -x

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/lint-imports

## make bench: the AF benchmark (1M, 5M, 10M persons) against a bare numpy pass and PyPI mpitb,
## then the composite-index Monte Carlo (10,000 replicates, 500 units x 60 indicators),
## then the early-warning backtest (132 countries; simulated 5,000 admin-1 units x 30 years),
## then a bounded load on `humsec serve` (SQLite, and PostgreSQL when it can be started),
## then make demo's steps idle and with one core busy (benchmarks/bench_demo.py)
## make bench: `humsec --help` start-up against its floors (benchmarks/bench_help.py);
## make bench: issue 22's AF run in one go (CLI at 5M and 50M persons, PyPI mpitb at 5M, the numpy
## floor, peak RSS, ratios; data generated once under /tmp); BENCH_ARGS="--quick" for a smoke run
BENCH_ARGS ?= --sizes 5e6,5e7 --repeat 1 --no-time-variant --no-frame-variant
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_af.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_help.py
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_warn.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_demo.py
	$(BIN)/python benchmarks/bench_sae.py
	$(BIN)/python benchmarks/bench_sae_ebp.py

## make messages: extract the report strings marked for translation (babel.cfg) into
## src/humsec/locale/humsec.pot and add the new ones to each language's humsec.po (to translate)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k phrase --no-location --sort-output --project humsec \
	  --copyright-holder "humsec contributors" -o src/humsec/locale/humsec.pot .
	$(BIN)/pybabel update -i src/humsec/locale/humsec.pot -d src/humsec/locale -D humsec \
	  --width 100 --ignore-obsolete
	# the platform's pages: Django's makemessages (needs GNU gettext), compiled with Babel
	cd src/humsec_web && ../../$(BIN)/python -m humsec_web makemessages -l fr -l es -l ar --no-location --no-wrap
	$(BIN)/pybabel compile -d src/humsec_web/locale -D django

## make references: regenerate the R golden numbers (installs R and the survey package from Debian)
references:
	command -v Rscript >/dev/null || (apt-get update && apt-get install -y r-base-core r-cran-survey)
	Rscript tests/golden/af_syn_cdta/make_reference.R ../shared/data/syn_cdta/syn_cdta.csv
	Rscript tests/golden/af_lonely/make_reference.R ../shared/data/syn_cdta/syn_cdta.csv
	Rscript tests/golden/af_api/make_reference.R

## PostgreSQL server and Chromium for the web platform's tests (Debian packages, installed as root;
## without them those tests skip and say why)
web-test-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q postgresql chromium || (apt-get update -q && apt-get install -y -q postgresql chromium); \
	  else echo "note: PostgreSQL/Chromium missing and not root: their web tests will skip"; fi; }

clean:
	rm -rf $(VENV) demo-out bench-data .pytest_cache .mypy_cache .ruff_cache
