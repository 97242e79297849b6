# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench soak screenshots bundle clean sysdeps-gui sysdeps-test

# uv installs the same packages as pip in a fraction of its time (a fresh `.[test]`: ~25 s with
# pip, mostly its one-file-at-a-time bytecode compiling; uv compiles on every core). Where uv cannot
# be had or fails (no wheel for this platform, an index only pip's own configuration names), pip
# does it as before. The bytecode is compiled at install: shells and CI machines that set
# PYTHONDONTWRITEBYTECODE would otherwise compile every imported module in every process.
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip>=23.2"
	-$(PY) -m pip install --quiet "uv>=0.5"

INSTALL = { $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) $(1) || \
	  { echo "make: installing with pip instead" >&2; $(PY) -m pip install --quiet $(1); }; }

# Stamp files: re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(call INSTALL,-e .)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(call INSTALL,-e ".[test]")
	touch $(VENV)/.installed $@

sysdeps-gui:
	@bash tools/system-deps.sh gui

sysdeps-test:
	@bash tools/system-deps.sh test

run: sysdeps-gui $(VENV)/.installed
	$(PY) -m caredesk gui

# One test worker more than the cores: the tests also wait (timers, `caredesk` child processes, the
# window's reads on worker threads), and a third worker on two cores fills those waits (fresh-clone
# runs: 3 min 30-32 s in all against 3 min 37-47 s with one per core; BENCHMARKS.md).
WORKERS := $(shell $(PYTHON) -c "import os; n = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count(); print((n or 1) + 1)")

# Lint, types, layer contracts and dead code beside the whole suite headless, WORKERS workers
# (pytest-xdist). worksteal: a worker that runs out takes half of a busy one's queue, so a
# file of slow tests does not keep one core busy alone at the end. The lint (~25 s, one process
# at a time) runs while the suite starts its workers, waits on its subprocesses and finishes on
# one core; its output follows the suite's, and either failing fails `make test`.
# compileall first (0.6 s): with PYTHONDONTWRITEBYTECODE set, as on some CI machines, every
# `caredesk` process a test starts would compile CareDesk's modules again.
test: sysdeps-test $(VENV)/.installed-test
	$(PY) -m compileall -q -j 0 src tests > /dev/null
	@lint_log=$$(mktemp); \
	$(MAKE) --no-print-directory lint > "$$lint_log" 2>&1 & lint_pid=$$!; \
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n $(WORKERS) --dist worksteal; suite=$$?; \
	wait $$lint_pid; linted=$$?; cat "$$lint_log"; rm -f "$$lint_log"; \
	[ $$linted -eq 0 ] || echo "make test: the lint failed (above)" >&2; \
	[ $$suite -eq 0 ] && [ $$linted -eq 0 ]

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/vulture

# The long-session soak (tests/soak): 200 unlock/work/lock cycles per process instead of the suite's 6.
soak: sysdeps-test $(VENV)/.installed-test
	CAREDESK_SOAK_CYCLES=$${CAREDESK_SOAK_CYCLES:-200} QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s tests/soak

bench: sysdeps-test $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/bench -o python_files='bench_*.py' --benchmark-enable --benchmark-columns=min,median,max,rounds

screenshots: $(VENV)/.installed-test
	@bash tools/system-deps.sh screenshots
	@# Light and dark, at 100% and 125% scaling: one folder each.
	for theme in light dark; do for scale in 1 1.25; do \
	  CAREDESK_THEME=$$theme QT_SCALE_FACTOR=$$scale xvfb-run -a -s "-screen 0 1440x900x24" \
	    $(PY) -m caredesk.ui.shell.screenshots --out screenshots/$$theme-$$scale || exit 1; \
	done; done

bundle: $(VENV)/.installed
	$(PY) -m pip install --quiet "pyinstaller>=6.6"
	$(VENV)/bin/pyinstaller --noconfirm build.spec

clean:
	rm -rf build dist screenshots .benchmarks
