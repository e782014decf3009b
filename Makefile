# `make book` and `make test` do all set-up themselves on a fresh machine.
# torch is installed first, pinned, from TORCH_INDEX: PyPI's Linux torch wheels pull gigabytes of
# CUDA packages that this CPU-sized book never uses, so by default pip also looks at PyTorch's
# CPU index, whose "+cpu" build of the pin wins (the same index as environment.yml's).
# TORCH_INDEX is a setting: `make book TORCH_INDEX=` uses only pip's own configuration (an offline
# mirror, or a machine whose pip already finds a CPU wheel: .ci/run does this), and
# `make book TORCH_INDEX=https://download.pytorch.org/whl/cu128` picks a CUDA build on purpose.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TORCH  := torch==2.13.0
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
export TORCH_INDEX
STAMP  := $(VENV)/.installed
THREADS ?= 2

.PHONY: book test lint unit nbval second-dispatch reference-dispatch build-book bench-book browser zoo clean setup execute sync

setup: $(STAMP)

# The set-up also downloads cffconvert's wheel into .venv/cff, without installing it: tests/test_packaging.py
# validates CITATION.cff against the Citation File Format schema it ships (cffconvert itself pins
# jsonschema<4, which the book's tools cannot use).

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) $(TORCH)
	$(BIN)/python -m pip install -q -e ".[book,test]"
	$(BIN)/python -m pip download -q --no-deps --dest $(VENV)/cff cffconvert==2.0.0
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

book: $(STAMP) build-book

# The build only renders the outputs stored in the notebooks. Its time is recorded in
# _build/build_seconds.json (scripts/timed.py) but never fails it: a slow machine still gets its book.
JB_BUILD = $(BIN)/jupyter-book build --all -n -W --keep-going .
build-book:
	rm -rf _build/html
	$(BIN)/python scripts/timed.py --record _build/build_seconds.json -- $(JB_BUILD)

# Benchmark: a fresh build must take at most BUILD_GOAL seconds (scripts/timed.py exits 3 otherwise).
BUILD_GOAL ?= 60
bench-book: $(STAMP)
	rm -rf _build/html
	$(BIN)/python scripts/timed.py --limit $(BUILD_GOAL) --record _build/build_seconds.json -- $(JB_BUILD)

# ruff with the rules in pyproject.toml ([tool.ruff]): the package, the tests, the scripts and the
# book's Sphinx extension.
lint: $(STAMP)
	$(BIN)/ruff check mem tests scripts book/_ext

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests --ignore=tests/browser

nbval: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg -n $(THREADS) --dist loadfile chapters book/intro.ipynb book/your_network.ipynb

test: $(STAMP) lint unit nbval second-dispatch reference-dispatch build-book browser

# Reproducible on any machine (issue 15). Forced numerical dispatches, as in mem.reproduce.DISPATCHES
# (tests/test_reproduce.py checks they agree): a generic one that differs from every CPU's default,
# under which the chapters and the reproduction tests must still pass (at the "same conclusions"
# level), and the zoo's own (AVX2), under which the re-runs are bit-identical where the CPU allows.
SECOND    := MEM_DISPATCH=generic ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 MKL_CBWR=COMPATIBLE OPENBLAS_CORETYPE=Prescott
REFERENCE := MEM_DISPATCH=avx2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2

second-dispatch: $(STAMP)
	env $(SECOND) $(BIN)/python -m mem.reproduce fingerprint
	env $(SECOND) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_reproduce.py
	env $(SECOND) $(MAKE) --no-print-directory nbval

reference-dispatch: $(STAMP)
	env $(REFERENCE) $(BIN)/python -m mem.reproduce fingerprint
	env $(REFERENCE) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_reproduce.py

# Open every chapter of the built book in headless Chromium (tests/browser). Chromium is
# Debian's package, installed here when this runs as root with apt-get; otherwise the tests
# skip and say why. Playwright (a [test] extra) drives it through executable_path; it never
# downloads a browser of its own.
browser: $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  ( [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    ( DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	      ( apt-get update -q >/dev/null 2>&1 && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ) ) ) || \
	  echo "browser: Chromium is not installed and could not be installed; the browser tests will skip"
	$(BIN)/python -m pytest -q -rs -p no:cacheprovider tests/browser

# Regenerate the Colab install cell of every chapter from _config.yml's repository URL.
sync: $(STAMP)
	$(BIN)/python scripts/sync_install_cells.py

# Re-execute the chapters in place (their stored outputs are what the book shows and nbval compares),
# under the zoo's dispatch, so that their live re-runs of zoo entries are bit-identical where the CPU allows.
execute: $(STAMP)
	env $(REFERENCE) $(BIN)/python scripts/execute_chapters.py

# Rebuild the zoo: every collection of mem.store (the networks of chapters 2-5, chapter 5's sweep and
# chapter 6's two collections; resumable: only missing or out-of-date entries are built).
COLLECTIONS := networks sweep bridge mnist1d benchmarks
zoo: $(STAMP)
	for c in $(COLLECTIONS); do $(BIN)/python -m mem.store build $$c || exit 1; done

clean:
	rm -rf _build .pytest_cache
