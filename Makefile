# Customer segmentation dashboard. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RAW := data/raw/default_transactions.csv.gz
MODEL := data/datasets/default/model_card.json
PORT ?= 8501

.PHONY: run test train data bench bench-scale lint clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.runtime: requirements.txt  ## virtualenv with the pinned runtime requirements
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt  ## plus the pinned test and lint tools
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

$(RAW): | $(VENV)/.runtime
	$(PY) -m core.synth --out $(RAW)

data: $(RAW)  ## generate the default synthetic transactions (1,048,567 rows, seed 0) if absent

$(MODEL): | $(RAW)
	$(PY) -m core.train --input $(RAW) --out data/datasets/default

run: $(VENV)/.runtime $(MODEL)  ## install, build the default data and models if absent, start the app
	$(PY) -m streamlit run serve.py --server.port $(PORT)

train: $(VENV)/.runtime $(RAW)  ## (re)train the default dataset
	$(PY) -m core.train --input $(RAW) --out data/datasets/default

test: $(VENV)/.dev  ## install test tools and run the whole suite (unit, app, browser)
	$(PY) -m pytest -q

lint: $(VENV)/.dev  ## ruff: lint rules and formatting (`ruff format .` fixes the formatting)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.dev $(MODEL)  ## time training on the full-size default and the app's page loads
	$(PY) -m bench.train_bench
	$(PY) -m bench.app_bench

bench-scale: $(VENV)/.dev  ## train on 1M, 10M and 100M generated transactions; stage times, peak memory, docs/scaling.png
	$(PY) -m bench.scale_bench

clean:  ## remove generated data and models (keeps the virtualenv)
	rm -rf data/raw data/datasets test-output
