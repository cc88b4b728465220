# The README's two commands: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest-xdist workers, each taking whole test files (loadfile): about twice as fast as one process
# (docs/development.md). PYTEST_XDIST= (empty) runs in one process; PYTEST_ARGS="-n 0 ..." does too.
PYTEST_XDIST ?= -n 2 --dist loadfile

.PHONY: run test setup prereqs frontend lint migrate bench clean lock

prereqs:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 or newer is required: install python3 (e.g. apt-get install python3 python3-venv)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "Python 3.11 or newer is required: $(PYTHON) is $$($(PYTHON) --version)"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: install python3-venv"; exit 1; }
	@command -v npm >/dev/null 2>&1 || { echo "Node.js 18 or newer with npm is required: install nodejs and npm"; exit 1; }

# Exact versions with hashes from requirements.lock (make lock), so every machine installs the same bytes and a
# council can audit them; then the project itself, without resolving anything again.
$(PY_STAMP): pyproject.toml requirements.lock requirements-pip.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Re-resolve requirements.lock after changing the dependencies in pyproject.toml (needs the network).
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" -o requirements.lock

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/app.css: $(NODE_STAMP) $(shell find assets -type f 2>/dev/null)
	npm run --silent build

frontend: static/build/app.css

setup: prereqs $(PY_STAMP) frontend

migrate: setup
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_demo
	@echo "Starting Safer Communities Casework on http://$(HOST):$(PORT)/ (sign in with a demo login above)"
	@echo "A background worker runs beside it; emails go to var/mail/. Ctrl-C stops both."
	$(PY) manage.py runall $(HOST):$(PORT)

test: setup
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || echo "Browser tests will be skipped: install Chromium (apt-get install chromium) to run them"
	TESTING=1 $(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy

bench: migrate
	$(PY) -m bench.run --cases 10000 --fresh

clean:
	rm -rf $(VENV) node_modules static/build var
