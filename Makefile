# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install demo migrate manager bench bench-requests bench-import clean schema

# The project is never installed as a wheel (its top-level names exist on PyPI);
# only its dependencies, read from pyproject.toml, go into the virtualenv.
# The first time takes a minute or two (about 40 packages); pip lists each as it comes.
$(VENV)/.installed: pyproject.toml
	@echo "==> .venv: installing the dependencies from pyproject.toml (first time only, 1-2 minutes)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -c "import tomllib; d=tomllib.load(open('pyproject.toml','rb'))['project']; print('\n'.join(d['dependencies']+d['optional-dependencies']['test']))" > $(VENV)/requirements.txt
	{ $(PY) -m pip install --progress-bar off -r $(VENV)/requirements.txt 2>&1; echo $$? > $(VENV)/pip.status; } \
		| grep --line-buffered -E '^(Collecting|Successfully|ERROR)' || true
	@exit $$(cat $(VENV)/pip.status)
	touch $@
	@echo "==> .venv ready"

install: $(VENV)/.installed

migrate: install
	@echo "==> database: applying migrations"
	$(PY) -m cli migrate

demo: migrate
	@echo "==> demo salon: loaded on the first start only (about a minute)"
	$(PY) -m cli demo --if-empty

run: demo
	@echo "==> serving http://$(HOST):$(PORT)/admin/ (login admin / admin1234) and http://$(HOST):$(PORT)/graphql"
	$(PY) -m cli serve --host $(HOST) --port $(PORT)

manager: migrate
	$(PY) -m cli create-manager

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

schema: install
	$(PY) -m cli export-schema

bench: install
	$(PY) -m bench.search

# The GraphQL request path against a real server (needs BENCH_DATABASE_URL, PostgreSQL).
bench-requests: install
	$(PY) -m bench.request_path

bench-import: install
	$(PY) -m bench.customer_import

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
