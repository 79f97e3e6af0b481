# The two commands of the README: `make book` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The graded work runs on CPU, offline, in the small profile, always.
export LLMZ_PROFILE ?= small
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Two cores shared by a kernel, a checker and a builder: busy-waiting OpenMP threads would
# starve each other (4-10x slowdowns measured), so threads sleep when idle.
export OMP_WAIT_POLICY := PASSIVE

.PHONY: venv sandbox browser book test release validate bench gpu clean

venv: $(STAMP)

## The grading sandbox needs bubblewrap (Debian's package); root installs it when missing.
sandbox:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1)); } || \
	  echo "note: no bubblewrap and not root: grading runs unisolated here (practice only)"

## The browser test (tests/test_browser.py) needs Debian's Chromium, installed when missing and
## root, and MathJax (the release the site loads from its CDN) from npm, served to the offline page.
MATHJAX := $(VENV)/share/mathjax
browser: venv
	@command -v chromium >/dev/null || command -v google-chrome >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)); } || \
	  echo "note: no Chromium and not root: the browser test is skipped"
	@[ -d $(MATHJAX)/es5 ] || { command -v npm >/dev/null && t=$$(mktemp -d) && \
	  (cd $$t && npm pack -q mathjax@3.2.2 >/dev/null 2>&1 && tar xzf mathjax-3.2.2.tgz) && \
	  mkdir -p $(MATHJAX) && mv $$t/package/es5 $(MATHJAX)/ && rm -rf $$t; } || \
	  echo "note: no MathJax from npm: the browser test is skipped"

## torch comes through pip (which finds the machine's CPU build on local disk, where there is
## one); everything else through uv, which resolves and installs the same pins in about 20 s
## instead of pip's 200 (measured on 2 cores). uv compiles no bytecode unless asked, and the
## sandboxed grading kernels cannot write __pycache__ into the read-only venv: without
## --compile-bytecode every kernel would compile torch and transformers from source.
UV := $(BIN)/uv
$(STAMP): requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.9.9
	$(BIN)/python -m pip install -q "$$(grep '^torch==' requirements.txt)" -c constraints.txt
	VIRTUAL_ENV=$(abspath $(VENV)) $(UV) pip install -q --compile-bytecode -r requirements.txt -c constraints.txt
	VIRTUAL_ENV=$(abspath $(VENV)) $(UV) pip install -q --compile-bytecode --no-deps -r requirements-nodeps.txt
	VIRTUAL_ENV=$(abspath $(VENV)) $(UV) pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $@

## Build the rendered book into _build/html: the chapters execute two at a time into the
## jupyter cache (autograder/execute.py), then jupyter-book renders them and the exercises.
book: venv
	$(BIN)/python -m autograder release --check
	@t=$$(date +%s); $(BIN)/python -m autograder execute && \
	  echo "make book: executing the chapters took $$(( $$(date +%s) - t )) s"
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python -m tests.check_book _build/html

## Every check: unit tests, release drift, and the nbgrader proof that the tests test.
test: venv sandbox browser
	$(BIN)/python -m autograder release --check
	@t=$$(date +%s); $(BIN)/python -m pytest -q tests && \
	  echo "make test: pytest took $$(( $$(date +%s) - t )) s"
	@t=$$(date +%s); $(BIN)/python -m autograder validate && \
	  echo "make test: validate took $$(( $$(date +%s) - t )) s"

## Regenerate exercises/ from solutions/ (the only way exercises/ changes).
release: venv
	$(BIN)/python -m autograder release

## Time every chapter notebook and every graded cell on this machine.
bench: venv
	$(BIN)/python -m autograder bench

## On a machine with a CUDA GPU: every chapter's full profile, timed, with its peak GPU memory,
## appended to autograder/gpu_runs.csv (commit it). Refuses to run without a GPU.
gpu: venv
	LLMZ_PROFILE=full $(BIN)/python -m autograder.gpu

clean:
	rm -rf _build .pytest_cache
