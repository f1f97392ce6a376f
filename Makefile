# Two entry points: `make run` (set up, build the index, start the assistant) and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run ask test install index lint bench eval clean browser

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first and pinned, so the CPU build is used rather than a multi-GB CUDA one
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(VENV)/bin/assistant ingest

run: index
	$(VENV)/bin/assistant serve --no-ingest

ask: index
	$(VENV)/bin/assistant ask

# The browser tests drive Debian's chromium; install it when missing (needs root and apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium missing: the browser tests will be skipped"; fi; }

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check assistant tests bench
	$(VENV)/bin/ruff format --check assistant tests bench

bench: index
	$(PY) bench/bench_core.py

eval: index
	$(VENV)/bin/assistant eval --split test

clean:
	rm -rf .assistant
