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

# the dev-set eval in both settings (the second embeds the real files once: ~5 minutes)
eval: setup
	mkdir -p runs
	$(BIN)/bronwijs eval --gold evals/gold/dev --baseline --out runs/final-bundled.json \
		--predictions runs/final-bundled.jsonl --label bundled --history docs/evals.md
	$(BIN)/bronwijs eval --gold evals/gold/dev --corpus corpus --corpus ../shared/corpus/real --baseline \
		--out runs/final-real.json --predictions runs/final-real.jsonl --label bundled+real --history docs/evals.md
	$(BIN)/python -m evals.report runs/final-bundled.json runs/final-real.json

bench: setup
	mkdir -p runs
	$(BIN)/bronwijs bench ../shared/corpus/real --markdown docs/benchmarks.md --out runs/bench.json
	$(BIN)/python evals/bench_app.py --requests 30 --users 1 10 --markdown docs/benchmarks.md --out runs/bench-app.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
