# The two front-door commands: `make run` and `make test`. Each sets the project up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501
# Test workers (pytest-xdist): the browser journeys share one worker (tests/conftest.py)
JOBS ?= 2

.PHONY: run test setup models sample-data contract-tables lint typecheck fuzz bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# The sample factories' IFC models are committed; `make models` writes them again.
models: $(STAMP)
	$(BIN)/python models/make_models.py

# The sample sites' operational data (seeded) are committed too; this writes them again.
sample-data: $(STAMP)
	$(BIN)/python sample_sites/make_sample_sites.py

# The tables of docs/sample-site-format.md are written from the register's contracts.
contract-tables: $(STAMP)
	$(BIN)/python docs/make_contract_tables.py

run: $(STAMP)
	@# a new register: the sample sites and one demo account per role (passwords shown once)
	$(BIN)/site-manager user demo --load-samples
	$(BIN)/streamlit run streamlit_app.py --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet 'atheris>=2.3'
	$(BIN)/python tests/fuzz/fuzz_import.py -max_total_time=$${FUZZ_SECONDS:-300}

bench: $(STAMP)
	for b in benchmarks/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
