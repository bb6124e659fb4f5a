# The two commands of the README: `make demo` and `make test`.
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
PY := .venv/bin/python

.PHONY: setup demo test system-deps lint migration-check bench

setup: ## Install the locked Python dependencies into .venv
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen

demo: setup ## Embedded database, demo region, app on http://127.0.0.1:8000
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

system-deps: ## Chromium (browser tests), poppler (PDFs), HarfBuzz subsetting, gettext
	@scripts/system-deps.sh

# The suite runs in TEST_WORKERS processes (pytest-xdist), each with its own test database;
# tests are handed out one by one in their order, so those that flush the database (live
# servers, transactions) still run last in each process.
TEST_WORKERS ?= 2

test: setup system-deps ## The whole test suite, on PostgreSQL and Redis (DATABASE_URL, REDIS_URL)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load

migration-check: setup ## A PostgreSQL demo database at MIGRATION_BASE upgrades with every row intact
	scripts/check-migration-upgrade.sh

bench: setup ## Every page under load in a Flanders-size region (bench/README.md); BENCH_ARGS="--scale 0.05"
	$(PY) bench/run.py $(BENCH_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
