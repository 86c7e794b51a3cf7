"""Fixtures shared by every test folder: the repository, a hermetic Jupyter config, Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Servers started by tests (and the book build's --execute) must run under root in CI.
# This config dir is used only by the test environment; users get Jupyter's defaults.
os.environ["JUPYTER_CONFIG_DIR"] = str(REPO / "tests" / "jupyter_config")
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture(scope="session")
def repo() -> Path:
    """The course repository under test."""
    return REPO


def _playwright_chromium() -> str | None:
    """Playwright's own Chromium, where `python -m playwright install chromium` downloaded it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        path = pw.chromium.executable_path
    return path if path and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """A real Chromium: COURSEKIT_CHROMIUM, Debian's `chromium`, or Playwright's download. Never a skip."""
    path = os.environ.get("COURSEKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    path = path or _playwright_chromium()
    if path:
        return path
    pytest.fail(
        "browser tests need Chromium: run `make test` (it installs one), `sudo tools/system-deps chromium`, "
        "or set COURSEKIT_CHROMIUM=/path/to/chromium",
        pytrace=False,
    )


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A real headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()
