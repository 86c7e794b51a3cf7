# Two commands do everything: `make course` builds the course, `make test` tests it.
# Both create or update .venv first and are safe to run again (nothing is reinstalled
# unless pyproject.toml or package.json changed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

.PHONY: course test preflight env lint clean help

help:
	@echo "make course   build the book and release every assignment (sets up .venv first)"
	@echo "make test     run the whole test suite, browser and nbgrader tests included"
	@echo "make lint     ruff"
	@echo "make clean    remove build outputs and generated student folders (keeps .venv)"

preflight:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "coursekit needs Python >= 3.11: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] < 18 ? 1 : 0)' 2>/dev/null || \
	  { echo "coursekit needs Node.js >= 18 for Jupyter Book 2: install it from your package manager or nodejs.org"; exit 1; }

$(VENV)/.installed: pyproject.toml
	@echo "==> setting up $(VENV) (Python packages)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json
	@echo "==> installing test-only front-end tools (npm)"
	@npm install --no-audit --no-fund --silent
	@touch $@

env: preflight $(VENV)/.installed

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
	@echo "  book content (MyST AST):  book/_build/site/content/"
	@echo "  book HTML (with network): book/_build/html/index.html"
	@echo "  student releases:         assignments/release/<assignment>/"
	@echo "  next: see README.md (instructors, students, graders) or book/instructor-guide.md"

test: env node_modules/.installed
	@echo "==> running the test suite"
	@python -m pytest

lint: env
	@ruff check src tests benchmarks book/plugins

clean:
	rm -rf book/_build assignments/release assignments/autograded assignments/feedback assignments/gradebook.db
