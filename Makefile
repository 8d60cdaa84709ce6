# qbwc-bridge developer commands (GNU make). `make` alone lists them.
#
# Everything needed comes from the project's own files: a Python >= 3.11 venv from requirements-dev.txt and
# node_modules (dynalite) from package-lock.json. Both are rebuilt when those files change (stamp files).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# python3.11 if there is one, else python3; the venv recipe checks the version.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# The local stack (`make run`) and the commands that talk to it.
PORT ?= 8000
DYNAMODB_PORT ?= 8001
STAGE ?= local
SCOPE ?= admin
TABLE_NAME ?= $(if $(filter local,$(STAGE)),qbwc-bridge,qbwc-bridge-$(STAGE))
# `python -m tools.local_stack` with the ports above; `... exec CMD` runs CMD with the running stack's env.
LOCAL_STACK := PORT=$(PORT) DYNAMODB_PORT=$(DYNAMODB_PORT) TABLE_NAME=$(TABLE_NAME) $(PY) -m tools.local_stack

# What mypy checks: the packages that exist (app.py arrives with the app). Explicit package bases give
# tests/ (no __init__.py files) module names like tests.tools.test_x, so same-named test files do not clash.
MYPY_TARGETS := $(wildcard app.py chalicelib simulators tools bench tests)
# pytest-xdist workers: one per core. Tests are independent processes-wise (end-to-end tests start their own
# stack on free ports), and on 2 cores this is already faster than serial. PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= auto
# Extra pytest arguments, e.g. `make pytest PYTEST_ARGS="-k store -x"`.
PYTEST_ARGS ?=

.PHONY: help setup venv node browser run token migrate demo bench profile test lint fmt typecheck pytest clean distclean \
	synth deploy destroy package-size

help: ## list the targets
	@echo "qbwc-bridge: make <target>   (variables: PORT=$(PORT) DYNAMODB_PORT=$(DYNAMODB_PORT) STAGE=$(STAGE) SCOPE=$(SCOPE))"
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

setup: venv node ## install the Python venv and node_modules (only what changed)

venv: $(VENV_STAMP) ## the Python venv (.venv) from requirements-dev.txt

node: $(NODE_STAMP) ## node_modules (dynalite) from package-lock.json

$(VENV_STAMP): requirements.txt requirements-dev.txt infra/requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "No python3 found: install Python >= 3.11 (with its venv module)." >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "$(PYTHON) is older than 3.11: install python3.11 or pass PYTHON=/path/to/python3.11" >&2; exit 1; }
	@# Rebuild from scratch if the venv is missing, broken or made by a Python older than 3.11.
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt -r infra/requirements.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js >= 20 (with npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

run: setup ## run the local stack on http://127.0.0.1:8000 (PORT=...) until Ctrl-C; data kept in ./var/
	@$(LOCAL_STACK) run

token: venv ## print a new API token (SCOPE=admin|source; STAGE=dev|prod uses your AWS credentials)
ifeq ($(STAGE),local)
	@$(LOCAL_STACK) exec -- $(PY) -m tools.issue_token --scope $(SCOPE)
else
	@env -u DYNAMODB_ENDPOINT STAGE=$(STAGE) TABLE_NAME=$(TABLE_NAME) $(PY) -m tools.issue_token --scope $(SCOPE)
endif

migrate: venv ## rewrite data stored by an older version into today's shape (STAGE=dev|prod: your AWS credentials)
ifeq ($(STAGE),local)
	@$(LOCAL_STACK) exec -- $(PY) -m tools.migrate_store
else
	@env -u DYNAMODB_ENDPOINT STAGE=$(STAGE) TABLE_NAME=$(TABLE_NAME) $(PY) -m tools.migrate_store
endif

demo: venv ## run the simulated QuickBooks + Web Connector against the running local stack
	@$(LOCAL_STACK) exec --needs-app -- $(PY) -m simulators.demo

bench: setup ## measure conversation costs, cold start and 1,000 invoices (prints tables; JSON under bench/results/)
	$(PY) -m bench

profile: setup ## profile each callback of a 1,000-invoice conversation (bench/results/invoices-profile.txt)
	$(PY) -m bench.profile_callbacks

test: setup browser lint typecheck pytest ## everything CI checks: lint, format, types, tests

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser: ## make sure /usr/bin/chromium exists (installs Debian's package when running as root)
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2; exit 1; \
		fi; \
	fi

lint: venv ## ruff lint and format check
	$(RUFF) check .
	$(RUFF) format --check .

fmt: venv ## format the code and apply ruff's safe fixes
	@status=0; $(RUFF) check --fix . || status=$$?; $(RUFF) format .; exit $$status

typecheck: venv ## mypy (strict)
	$(PY) -m mypy --explicit-package-bases $(MYPY_TARGETS)

pytest: setup ## the test suite only (PYTEST_ARGS=... passes options, PYTEST_WORKERS=0 runs serially)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --durations=15 $(PYTEST_ARGS)

clean: ## remove caches and test artifacts (keeps .venv, node_modules and var/)
	rm -rf .mypy_cache .ruff_cache .pytest_cache tests/artifacts
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -path ./var -prune -o \
		-type d -name __pycache__ -exec rm -rf {} +

distclean: clean ## also remove .venv and node_modules (still keeps var/, the local data)
	rm -rf $(VENV) node_modules

# Deployment (infra/: the CDK app; see infra/README.md). STAGE=local means dev here. synth needs no AWS account;
# deploy and destroy need credentials and run the CDK CLI through npx (pinned here, not in package.json).
CDK_STAGE = $(if $(filter local,$(STAGE)),dev,$(STAGE))
CDK_CLI_VERSION ?= 2.1148.1
SENDER_EMAIL ?=
PUBLIC_URL ?=
ALARM_EMAIL ?=
MAX_ZIP_MB ?= 15
CDK_CONTEXT = -c stage=$(CDK_STAGE) -c sender_email=$(SENDER_EMAIL) \
	$(if $(PUBLIC_URL),-c public_url=$(PUBLIC_URL)) $(if $(ALARM_EMAIL),-c alarm_email=$(ALARM_EMAIL))
CDK = cd infra && JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 npx --yes aws-cdk@$(CDK_CLI_VERSION)

synth: venv ## synthesize the CDK stack offline into infra/cdk.out (STAGE=dev|prod, SENDER_EMAIL=...; limits: infra/README.md)
	JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 STAGE=$(CDK_STAGE) SENDER_EMAIL=$(SENDER_EMAIL) \
		PUBLIC_URL=$(PUBLIC_URL) ALARM_EMAIL=$(ALARM_EMAIL) THROTTLE_RATE=$(THROTTLE_RATE) \
		THROTTLE_BURST=$(THROTTLE_BURST) RESERVED_CONCURRENCY=$(RESERVED_CONCURRENCY) $(PY) infra/app.py
	@echo "template: infra/cdk.out/$(CDK_STAGE).template.json"

deploy: venv ## deploy STAGE=dev|prod with SENDER_EMAIL=... [PUBLIC_URL=https://...] [THROTTLE_RATE=...] (AWS credentials, npx)
	@if [ -z "$(SENDER_EMAIL)" ]; then echo "SENDER_EMAIL=... is required (the address notices come from)" >&2; exit 1; fi
	$(CDK) deploy $(CDK_CONTEXT) --require-approval broadening \
		$(if $(THROTTLE_RATE),-c throttle_rate=$(THROTTLE_RATE)) $(if $(THROTTLE_BURST),-c throttle_burst=$(THROTTLE_BURST)) \
		$(if $(RESERVED_CONCURRENCY),-c reserved_concurrency=$(RESERVED_CONCURRENCY))

destroy: venv ## delete STAGE's stack (prod keeps its table: RETAIN + deletion protection)
	$(CDK) destroy $(CDK_CONTEXT)

package-size: venv ## `chalice package` the prod stage into a temp dir; fail if the zip is over MAX_ZIP_MB (15)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(VENV)/bin/chalice package --stage prod "$$tmp/out" >/dev/null; \
	bytes=$$(stat -c %s "$$tmp/out/deployment.zip"); \
	echo "deployment.zip: $$bytes bytes ($$(( bytes / 1024 / 1024 )) MB; limit $(MAX_ZIP_MB) MB)"; \
	[ "$$bytes" -le $$(( $(MAX_ZIP_MB) * 1024 * 1024 )) ] || { echo "the Lambda zip is over $(MAX_ZIP_MB) MB" >&2; exit 1; }
