# Two commands do everything: `make course` builds the course, `make test` tests it.
# Both set up what is missing first and are safe to run again: each set-up step leaves a stamp file
# and runs again only when its inputs change (pyproject.toml, package-lock.json, tools/system-deps).

PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
# pip: no version nag, and -qq hides this machine's warnings about index folders that do not exist
PIP    := $(BIN)/python -m pip --disable-pip-version-check -qq

.PHONY: course test preflight env system-deps dist lint clean help

help:
	@echo "make course        build the book and release every assignment (sets up .venv first)"
	@echo "make test          run the whole test suite (sets up .venv, npm tools, Chromium, bubblewrap, PostgreSQL)"
	@echo "make system-deps   only install the system programs (Chromium, bubblewrap, PostgreSQL) if missing"
	@echo "make dist          build the coursekit wheel into dist/ (what students pip install)"
	@echo "make lint          ruff"
	@echo "make clean         remove build outputs and generated student folders (keeps .venv)"

preflight:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "coursekit needs Python >= 3.11: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] < 18 ? 1 : 0)' 2>/dev/null || \
	  { echo "coursekit needs Node.js >= 18 for Jupyter Book 2: install it from your package manager or nodejs.org"; exit 1; }

# Everything: the student helper, the instructor and grader tools ([course]) and the test tools ([test]).
$(VENV)/.installed: pyproject.toml
	@echo "==> setting up $(VENV): coursekit with its course and test extras (pip)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[course,test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> installing test-only front-end tools (npm ci: axe-core, @myst-theme/anywidget, React, esbuild)"
	@npm ci --no-audit --no-fund --silent
	@touch $@

$(VENV)/.system-deps: tools/system-deps | $(VENV)/.installed
	@echo "==> checking system programs: Chromium, bubblewrap, PostgreSQL"
	@PYTHON=$(BIN)/python tools/system-deps
	@touch $@

env: preflight $(VENV)/.installed

system-deps: env
	@PYTHON=$(BIN)/python tools/system-deps

course: env
	@echo "==> 1/5 checking the question bank"
	@coursekit check
	@echo "==> 2/5 checking the quiz notebooks against the bank"
	@coursekit generate --check
	@echo "==> 3/5 building the book content (strict, executed, offline)"
	@coursekit book --no-html
	@echo "==> 4/5 releasing the assignments with nbgrader"
	@coursekit release --force
	@echo "==> 5/5 trying the HTML site (Jupyter Book downloads its theme here)"
	@coursekit book --html-only
	@echo ""
	@echo "Done. Outputs:"
	@test -d book/_build/site/content && echo "  book content (MyST AST):  book/_build/site/content/" || true
	@if [ -f book/_build/html/index.html ]; then echo "  book HTML site:           book/_build/html/index.html"; \
	 else echo "  book HTML site:           not built (see step 5; Jupyter Book's output: book/_build/logs/)"; fi
	@echo "  student releases:         assignments/release/<assignment>/"
	@echo "  next: see README.md (instructors, students, graders) or book/instructor-guide.md"

test: env node_modules/.installed $(VENV)/.system-deps
	@echo "==> running the test suite"
	@python -m pytest

dist: env
	@echo "==> building the coursekit wheel into dist/"
	@rm -rf build
	@$(PIP) wheel --no-deps --wheel-dir dist .
	@ls dist/coursekit-*.whl

lint: env
	@ruff check src tests benchmarks book/plugins

clean:
	rm -rf book/_build assignments/release assignments/autograded assignments/feedback assignments/gradebook.db
