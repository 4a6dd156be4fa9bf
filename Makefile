# Shortcuts for building and checking archdesigner. Everything runs in the project's .venv,
# which scripts/bootstrap.sh creates (the targets below call it when needed).

PY := .venv/bin/python

.PHONY: help bootstrap test quick run wheel bundle smoke icons desktop install-desktop docs docs-check clean

help:
	@echo "make test             ruff, mypy and pytest, as CI runs them (scripts/test.sh)"
	@echo "make quick            the quick loop: the tests not marked slow, on every core"
	@echo "make run              open the desktop app on an example (scripts/run-app.sh)"
	@echo "make wheel            build the sdist and the wheel into dist/"
	@echo "make bundle           build and smoke-test the PyInstaller bundle (packaging/dist/)"
	@echo "make smoke            smoke-test the bundle built before"
	@echo "make desktop          stage the menu entry, icons and MIME type in packaging/build/desktop"
	@echo "make install-desktop  install them for this user, starting .venv/bin/archdesigner"
	@echo "make docs             regenerate docs/cli.md from the command line parser"
	@echo "make clean            remove build products"

bootstrap:
	scripts/bootstrap.sh

test:
	scripts/test.sh

quick: bootstrap
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m "not slow" -n auto -q

run:
	scripts/run-app.sh

wheel: bootstrap
	$(PY) -m build --outdir dist .

bundle: bootstrap
	packaging/build_bundle.sh --tar

smoke:
	packaging/smoke_test.sh

icons: bootstrap
	$(PY) packaging/gen_icons.py --out packaging/build/icons

desktop: bootstrap
	packaging/stage_desktop.sh packaging/build/desktop $(PY)

install-desktop: desktop
	packaging/build/desktop/install-desktop.sh --exec $(CURDIR)/.venv/bin/archdesigner

docs: bootstrap
	$(PY) tools/gen_cli_docs.py

docs-check: bootstrap
	$(PY) tools/gen_cli_docs.py --check

clean:
	rm -rf build dist packaging/build packaging/dist
