# `make test` and `make report` set up .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

REPORT_DIR ?= reports/latest

.PHONY: test test-fast lint venv system-deps bench examples report reference-report clean

# Debian packages some tests use: Chromium (renders the report page headless) and Graphviz's `dot`
# (renders graph pictures). Installed with apt-get where we are root and they are missing;
# elsewhere the tests that need them are skipped with the reason.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium graphviz:/usr/bin/dot

venv: $(STAMP)

system-deps:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  test -x "$${entry#*:}" || missing="$$missing $${entry%%:*}"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "not installed (tests that need them are skipped):$$missing"; fi

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: $(STAMP) system-deps
	$(PY) -m pytest -n 2 -q

# The inner loop: every test but those marked slow (subprocesses, examples, timed runs).
test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -q -m "not slow"

# ruff (configured in pyproject.toml) over the repo, then mypy over tensorslow/.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The engines side by side (NumPy by hand, TensorSlow, JAX, PyTorch, tf1, TF2, Keras), each in its own
# process, and the speed targets: one PASS/FAIL line each; exits 1 if a target fails. About a minute.
bench: $(STAMP)
	$(PY) -m tensorslow_parity bench --course

# The GPU and TPU rows (TensorSlow on CuPy, Keras on JAX and PyTorch, TensorFlow where it sees a GPU, Keras on
# JAX on a TPU) compared with a saved reference, so a machine without TensorFlow can run them; a few minutes.
# Rows whose device is absent are skipped with the reason. Where TensorFlow is installed and the reference in
# GPU_REFERENCE is missing or stale it is saved first; `make gpu-reference` saves it alone, to copy elsewhere.
GPU_REFERENCE ?= build/gpu-reference
GPU_PY := $(if $(wildcard $(PY)),$(PY),$(PYTHON))
.PHONY: gpu-check gpu-reference
gpu-check:
	$(GPU_PY) -m tensorslow_parity.run.gpu_check --reference $(GPU_REFERENCE)

gpu-reference:
	$(GPU_PY) -m tensorslow_parity.run.gpu_check --reference $(GPU_REFERENCE) --save-only

# The whole parity report: model matrix, op parity, quick speed sweep, then report.md and index.html.
# A failing check does not stop the later steps (the report shows it); the exit status still says so.
report: $(STAMP)
	@status=0; \
	$(PY) -m tensorslow_parity run --jobs 2 --out $(REPORT_DIR) || status=1; \
	$(PY) -m tensorslow_parity ops --out $(REPORT_DIR) || status=1; \
	$(PY) -m tensorslow_parity bench --quick --out $(REPORT_DIR) || status=1; \
	$(PY) -m tensorslow_parity report $(REPORT_DIR) || status=1; \
	echo; echo "Report: $(REPORT_DIR)/index.html (open it in a browser) and $(REPORT_DIR)/report.md"; \
	exit $$status

# Regenerate the committed reference report (report.md and figures) from a fresh `make report`.
reference-report: report
	$(PY) -m tensorslow_parity report $(REPORT_DIR) --out reports/reference

# The course's notebooks (notebooks/*.ipynb): made from the guide's chapters 1-6 and run, outputs kept (a minute).
.PHONY: notebooks
notebooks: $(STAMP)
	$(PY) notebooks/build.py

examples: $(STAMP)
	$(PY) examples/perceptron.py
	$(PY) examples/multi_layer_perceptron.py

clean:
	rm -rf $(VENV) examples/output .pytest_cache .hypothesis .ruff_cache .mypy_cache
