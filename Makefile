# The README's two commands: `make run` and `make test`. Everything installs into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export OMP_WAIT_POLICY := PASSIVE
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test setup setup-test e2e lint eval bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is installed first and pinned: the CPU wheel lies on disk; unpinned pulls GBs of CUDA.
setup: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .

setup-test: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'

run: setup
	$(BIN)/python app.py

# the browser tests need Debian's Chromium; installing it needs root (CI is root)
test: setup-test
	@if [ -x scripts/install_browser.sh ]; then scripts/install_browser.sh; fi
	$(BIN)/python -m pytest -q

lint: setup-test
	$(BIN)/ruff check assistant ingest evals tests app.py

# one run, one index over every shared corpus (bundled, real, train, val: many look-alike decision
# lists, the realistic case): the dev and train gold sets and the blind validation set side by side,
# with the LangChain-tutorial baseline; the tables replace docs/evals.md's "Results" section.
# The first run embeds the corpora (minutes); later runs reuse the index.
EVAL_GOLD := --gold dev=../shared/gold --gold train=../shared/gold-train --gold val=../shared/gold-val --blind val
EVAL_CORPUS := --corpus corpus --corpus ../shared/corpus/real --corpus ../shared/corpus/train --corpus ../shared/corpus/val
eval: setup
	mkdir -p runs
	$(BIN)/bronwijs eval $(EVAL_GOLD) $(EVAL_CORPUS) --baseline --out runs/final.json \
		--predictions runs/final.jsonl --label all-corpora --history docs/evals.md
	$(BIN)/python -m evals.report --write docs/evals.md runs/final.json

bench: setup
	mkdir -p runs
	$(BIN)/bronwijs bench ../shared/corpus/real --markdown docs/benchmarks.md --out runs/bench.json
	$(BIN)/python evals/bench_app.py --requests 40 --users 1 20 --surface page rest --markdown docs/benchmarks.md --out runs/bench-app.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
