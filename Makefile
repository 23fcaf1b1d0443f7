# Two entry points: `make run` and `make test`. Both build .venv from the hashed lock first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= .claimgraph/store

.PHONY: run test setup system lint typecheck pytest lock clean train-attribution

setup: $(STAMP) system api/static/node_modules/.installed

# Debian packages: Java for HermiT, Node.js for the query page's YASGUI, Chromium for its
# end-to-end test, Virtuoso 7 for the remote-store tests (they start their own instance in a
# temporary directory; the package's own service is not used). Each only when missing.
APT := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
system:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -q && $(APT) $$missing; \
	fi

# YASGUI (and playwright-core for the UI test) from the npm registry, as the lock pins them.
api/static/node_modules/.installed: api/static/package.json api/static/package-lock.json | system
	bash api/static/install.sh
	@touch $@

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: setup
	rm -rf $(STORE)
	$(BIN)/claimgraph --store $(STORE) demo examples
	@echo "serving the examples' graph at http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/claimgraph --store $(STORE) serve --host 127.0.0.1 --port 8000

test: setup lint typecheck pytest

lint:
	$(BIN)/ruff check kg api tests bench
	$(BIN)/ruff format --check kg api tests bench

typecheck:
	$(BIN)/mypy kg api

# Every store test runs on the embedded store, `oxigraph serve` and Virtuoso: none may skip.
pytest:
	CLAIMGRAPH_REQUIRE_SERVERS=1 $(BIN)/pytest -q

# Rebuild the shipped attribution model (kg/extract/data/attributor.npz) from PolNeAR's train
# split in ../shared/polnear: seeded, about 10 minutes on 2 cores. `make test` never trains.
train-attribution: setup
	$(BIN)/python -m bench.train_attribution

# Re-pin every dependency (with hashes) from pyproject.toml.
lock:
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --extra dev --generate-hashes --strip-extras --allow-unsafe \
	  -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .claimgraph build dist
