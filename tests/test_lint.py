"""Strict tooling: the code base stays ruff-clean."""

import subprocess
import sys


def test_ruff_finds_nothing(repo):
    """Does `ruff check` pass on the package, the tests, the benchmarks and the book plugin?"""
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks", "book/plugins"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
