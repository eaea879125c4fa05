# The two commands of the course: `make book` and `make test`. Both create .venv if it is missing.
PYTHON ?= python3
# What make test needs from the machine besides PyPI; `make prerequisites` checks it first.
CHROMIUM ?= /usr/bin/chromium
NODE     ?= node
NPM      ?= npm
APT_GET  ?= apt-get
UNSHARE  ?= unshare
export CHROMIUM  # the browser test launches this Chromium (tests/site/site_crawl.py)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
BUNDLE := _build/bundle/regularization-in-keras-notebooks.zip
NODE_STAMP := node_modules/.package-lock.json

.PHONY: book test prerequisites install lint unit nbval nbval-twice site bundle browser repository-url execute \
	bench lock oldest canary clean

# Create the environment from the exact pins; redo it when a pin file changes.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(STAMP)

# axe-core, the accessibility checker the browser test injects into every page (exact pin in package-lock.json).
$(NODE_STAMP): package.json package-lock.json | prerequisites
	$(NPM) ci --no-audit --no-fund
	touch $@

## make book: build the website into _build/html from the stored (tested) notebook outputs.
## The notebook bundle is built first: the site publishes it at its root (html_extra_path).
book: $(STAMP) bundle
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	@echo "The site is built: open _build/html/index.html"

## make bundle: the zip of every notebook, course_utils and the pinned requirements.
bundle: $(STAMP)
	$(BIN)/python tools/bundle.py $(BUNDLE)

## make browser: visit every page of the built site in Chromium (external requests, console errors,
## math, images, links, axe-core), and check page weights. Needs $(CHROMIUM) (make prerequisites).
browser: prerequisites book $(NODE_STAMP)
	$(BIN)/pytest tests/site --confcutdir=tests/site  # not tests/conftest.py: no TensorFlow to import

## make test: every check CI runs. The machine's prerequisites first, so a missing tool fails in seconds.
test: prerequisites lint unit nbval book browser

## make prerequisites: Python 3.11 with venv, Chromium, Node.js with npm; as root on Debian, apt-get
## installs what is missing, otherwise one line says what to install. Then whether the notebooks can
## run in a network namespace, with no network.
prerequisites:
	@$(PYTHON) tools/prerequisites.py --chromium $(CHROMIUM) --node $(NODE) --npm $(NPM) --apt-get $(APT_GET)
	@$(PYTHON) tools/offline.py --check --unshare $(UNSHARE)

lint: $(STAMP)
	$(BIN)/ruff check course_utils tests tools
	$(BIN)/ruff format --check course_utils tests tools
	$(BIN)/ruff check book  # the notebooks, with book/ruff.toml: lines within 79 characters
	$(BIN)/ruff format --check book
	$(BIN)/mypy --strict

unit: $(STAMP)
	$(BIN)/pytest tests --ignore=tests/site

# Strict nbval: every stored output of every notebook is compared (sanitized only as tests/sanitize.cfg says);
# a figure by its plain-text form, a digest of what it draws (course_utils/figures.py): nbval skips PNGs.
# Two notebooks at a time (one per core; each kernel runs TensorFlow on one thread, so the outputs do
# not depend on it); loadscope keeps every cell of a notebook in one kernel, in order.
# With no network: tools/offline.py runs it in a network namespace of its own, so a cell that downloads
# fails. Where the platform allows no namespace, it says so in one line and runs with the network.
NBVAL := $(BIN)/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -n 2 --dist loadscope
OFFLINE := $(PYTHON) tools/offline.py --unshare $(UNSHARE) --
nbval: $(STAMP)
	$(OFFLINE) $(NBVAL) $(NOTEBOOKS)

nbval-twice: nbval
	$(OFFLINE) $(NBVAL) $(NOTEBOOKS)

## make execute: re-run every notebook top to bottom in a fresh kernel and store its outputs.
execute: $(STAMP)
	$(BIN)/python tools/notebooks.py execute $(NOTEBOOKS)

## make repository-url: point every notebook's install line at repository.url in _config.yml.
repository-url: $(STAMP)
	$(BIN)/python tools/repository.py sync $(NOTEBOOKS)

## make bench: time every notebook and its slowest cell, without changing the files.
bench: $(STAMP)
	$(BIN)/python tools/notebooks.py bench $(NOTEBOOKS)

## make lock: re-resolve requirements.txt in a scratch environment and rewrite constraints.txt.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -r requirements.txt
	{ echo "# Every package of the course environment, pinned: the lock that CI tested."; \
	  echo "# Regenerate with 'make lock' after changing requirements.txt."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .lock-venv

## make oldest: every notebook (nbval --nbval-lax) in its own environment, .oldest-venv, with the lowest
## versions pyproject.toml allows (requirements-oldest.txt). Not part of make test: it downloads old wheels.
OLDEST := .oldest-venv
$(OLDEST)/.installed: requirements-oldest.txt pyproject.toml
	rm -rf $(OLDEST) && $(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-oldest.txt
	$(OLDEST)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python tools/upstream.py --label oldest $(NOTEBOOKS)

## make canary: the newest releases of the course's direct dependencies (requirements-canary.txt,
## unpinned) in a scratch environment, .canary-venv, made anew each time; every notebook (nbval
## --nbval-lax) and the unit tests. Not part of make test: it depends on the registry's latest state.
CANARY := .canary-venv
canary:
	rm -rf $(CANARY) && $(PYTHON) -m venv $(CANARY)
	$(CANARY)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(CANARY)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade -r requirements-canary.txt
	$(CANARY)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(CANARY)/bin/python tools/upstream.py --label canary --unit-tests $(NOTEBOOKS)

clean:
	rm -rf _build
