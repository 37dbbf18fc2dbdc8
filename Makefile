# Khidmat: everything a developer or CI runs goes through here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
export AWS_DEFAULT_REGION ?= eu-west-3
PORT ?= 8000
ROLE ?= citizen
STAGE ?= dev

.PHONY: venv run test lint unit token bench infra deploy bytecode guide policy statemachines verify-draw outbox schools audit-verify audit-digest rotate-signing-key clean

venv: $(STAMP)

# Install output goes to stderr so that `make -s token` prints only the token.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) >&2
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt >&2
	@rm -f $(VENV)/.installed-* && touch $@

run: venv ## moto + the stack + demo data + the API on http://127.0.0.1:$(PORT)
	@PORT=$(PORT) $(PY) -m scripts.run_local

# worksteal: a worker that runs out of tests takes some of the other's queue (docs/decisions.md, decision 66).
test: lint ## ruff, mypy, cfn-lint, then the whole suite
	$(PY) -m pytest -n 2 --dist worksteal -q --durations=15

unit: venv
	$(PY) -m pytest -q tests/unit

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint infra/template.yaml

token: venv ## make -s token ROLE=school_director OFFICE=... [ACR=cnie] [SUB=...]
	@$(PY) -m scripts.devtokens --role $(ROLE) --office "$(OFFICE)" --acr "$(ACR)" --sub "$(SUB)"

bench: venv ## cold start and DynamoDB calls per route; writes bench/results.json
	$(PY) -m bench.run

statemachines: venv ## ASL in infra/statemachines, diagrams in docs/machines, template block
	$(PY) -m scripts.statemachines

# STAGE's stack, the outputs into .chalice/config.json: then `chalice deploy --stage $(STAGE)` works.
DEPLOY_ARGS = $(if $(PUBLIC_BASE_URL),--public-base-url '$(PUBLIC_BASE_URL)') $(if $(ALLOWED_ORIGINS),--allowed-origins '$(ALLOWED_ORIGINS)')
infra: venv ## the stateful stack only: make infra STAGE=dev PUBLIC_BASE_URL=https://... ALLOWED_ORIGINS=https://...
	$(PY) -m scripts.deploy --stage $(STAGE) $(DEPLOY_ARGS)

deploy: infra bytecode ## make infra, the bytecode, chalice deploy, the problem+json gateway responses, ReportBatchItemFailures
	$(VENV)/bin/chalice deploy --stage $(STAGE)
	$(PY) -m scripts.gateway_responses --stage $(STAGE)
	$(PY) -m scripts.event_sources --stage $(STAGE)

bytecode: venv ## the package's compiled bytecode (Lambda cannot write it): vendor/ and chalicelib/
	$(PY) -m scripts.bytecode

guide: venv ## the equivalence guide PDF into the stage's bucket if missing (STAGE=local: make run)
	$(PY) -m scripts.build_guide --stage $(STAGE)

policy: venv ## regenerate .chalice/policy-<stage>.json from infra/policy.py
	$(PY) -m infra.policy

audit-verify: venv ## check a day of the audit trail: make audit-verify DATE=YYYY-MM-DD [JWKS=url]
	@$(PY) -m scripts.audit_verify --date $(DATE) $(if $(JWKS),--jwks $(JWKS))

audit-digest: venv ## publish a day's signed digest on the local stack (OPEN=1 for today)
	@$(PY) -m scripts.audit_verify --publish --date $(DATE) $(if $(OPEN),--allow-open-day)

verify-draw: venv ## recompute a consular release round's draw from its public JSON: make verify-draw ROUND=<id> [API=url] or FILE=path
	@$(PY) -m scripts.verify_draw $(if $(FILE),--file $(FILE),--round $(ROUND)) $(if $(API),--api $(API))

rotate-signing-key: venv ## a new KMS signing key behind the alias; the old one stays published (STAGE=local: make run)
	@$(PY) -m scripts.rotate_signing_key --stage $(STAGE)

outbox: venv ## what SES and SNS of the local stack (make run) have received
	@$(PY) -m scripts.outbox

schools: venv ## load a school map into the local stack (make run): make schools CSV=path.csv
	@test -n "$(CSV)" || { echo "usage: make schools CSV=path/to/schools.csv" >&2; exit 2; }
	@$(PY) -m scripts.schools '$(CSV)'

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache vendor
