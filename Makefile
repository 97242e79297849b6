# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench screenshots demo bundle clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade "pip>=23.2"

# Stamp files re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[test]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(PY) -m caredesk gui

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not bench"

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m bench --benchmark-enable -p no:randomly tests/bench

screenshots: $(VENV)/.installed-test
	bash tools/screenshots.sh

bundle: $(VENV)/.installed
	$(PY) -m pip install "pyinstaller>=6.6"
	$(VENV)/bin/pyinstaller --noconfirm build.spec

clean:
	rm -rf build dist screenshots .benchmarks
