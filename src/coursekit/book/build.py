"""``coursekit book``: build the Jupyter Book strictly (offline), then try the HTML site.

The content build (``jupyter book build --site --strict``) proves the book is valid and writes the
MyST AST of every page to ``_build/site/content``. The HTML build needs the book theme, which
Jupyter Book 2 downloads from the MyST template service: without network that step is reported in
one line (naming the offline options) and skipped, because the content build is already complete.
The HTML step executes too: mystmd rebuilds the pages for it, and without ``--execute`` the executed
pages (the timeline) would reach the site with empty outputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..course import find_course
from ..errors import CourseError

MIN_NODE = 18
HEARTBEAT_S = 15  # a long build says it is still going this often (mystmd's own lines go to the log)
# mystmd marks problems with these icons; --strict stops the build on errors ("stopping build").
_PROBLEM = re.compile(r"⛔|⚠|^\{quiz\}")
_ICONS = re.compile(r"^(⛔️?|⚠️?)\s*")
_NOISE = re.compile(r"Expected mdast to be processed|stopping build")
_PLUGIN_FAILED = re.compile(r"Non-zero error code after running executable")
_OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|fetch failed|network", re.I)
_THEME = re.compile(r"Querying template metadata|Fetching template|template", re.I)


@dataclass
class Run:
    code: int
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def build_book(
    *, book_dir: Path | None = None, html: bool = True, execute: bool = True, html_only: bool = False
) -> dict[str, Path]:
    """Build the book in ``book_dir`` (default: the course's book/); return the outputs that were built.

    ``html_only`` skips the checked content build (run it first) and only tries the HTML site.
    """
    book = (book_dir or find_course().book).resolve()
    if not (book / "myst.yml").is_file():
        raise CourseError(f"{book}: no myst.yml here; pass the book folder with --book (default: the course's book/)")
    env = _tool_env()
    _check_node(env)
    outputs: dict[str, Path] = {}
    if html_only:
        outputs = {"content": book / "_build" / "site" / "content", **_build_html(book, env, execute)}
        _print_outputs(outputs, content_built=False)
        return outputs
    with _root_config(env) if execute else _nothing():
        site = _jupyter_book(["build", "--site", "--strict"] + (["--execute"] if execute else []), book, env)
    theme_offline = site.code != 0 and _theme_unreachable(site)
    _raise_on_problems(site, book, allow_exit=theme_offline)
    outputs["content"] = book / "_build" / "site" / "content"
    if html and theme_offline:
        _say_no_theme(book)
    elif html:
        outputs.update(_build_html(book, env, execute))
    _print_outputs(outputs)
    return outputs


def _tool_env() -> dict[str, str]:
    """The environment for the tools: this Python's bin folder first, so --execute and the plugin use it."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
    return env


def _check_node(env: dict[str, str]) -> None:
    node = shutil.which("node", path=env["PATH"])
    hint = "install Node.js 18 or newer (https://nodejs.org or your package manager) and run `coursekit book` again"
    if not node:
        raise CourseError(f"Jupyter Book 2 needs Node.js, and `node` is not on PATH: {hint}")
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        major = int(version.lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        raise CourseError(f"cannot run `{node} --version`: {hint}") from None
    if major < MIN_NODE:
        raise CourseError(f"Jupyter Book 2 needs Node.js {MIN_NODE} or newer, found {version} at {node}: {hint}")


@contextmanager
def _root_config(env: dict[str, str]):
    """As root, let the build's private Jupyter server start (it refuses root by default); others: untouched."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="coursekit-jupyter-") as tmp:
        config = {"ServerApp": {"allow_root": True}}
        (Path(tmp) / "jupyter_server_config.json").write_text(json.dumps(config), encoding="utf-8")
        env["JUPYTER_CONFIG_DIR"] = tmp
        print("coursekit: running as root: the book build's private Jupyter server is allowed to run as root.")
        yield


@contextmanager
def _nothing():
    yield


def _jupyter_book(args: list[str], book: Path, env: dict[str, str]) -> Run:
    """Run ``jupyter book ARGS`` in ``book``; its output goes to a log file (offline, mystmd prints network errors
    that are no fault of the book); its problems are reported from that output by the caller."""
    cmd = [sys.executable, "-m", "jupyter_book", *args]
    log_path = book / "_build" / "logs" / f"jupyter-book-{'html' if '--html' in args else 'site'}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"coursekit: jupyter book {' '.join(args)}   (in {book}; its output: {log_path})", flush=True)
    with open(log_path, "w", encoding="utf-8") as log:
        return _run_logged(cmd, book, env, log)


def _run_logged(cmd: list[str], book: Path, env: dict[str, str], log) -> Run:
    lines: list[str] = []
    try:
        # A session of its own, so the Jupyter server that --execute starts can be stopped with it below.
        proc = subprocess.Popen(
            cmd,
            cwd=book,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as e:
        raise CourseError(f"cannot start Jupyter Book ({e}); reinstall the course environment: `make course`") from e
    assert proc.stdout is not None
    started = last = time.monotonic()
    for line in proc.stdout:
        lines.append(line.rstrip())
        log.write(line)
        if time.monotonic() - last > HEARTBEAT_S:
            last = time.monotonic()
            print(f"coursekit: still building ({last - started:.0f} s)", flush=True)
    code = proc.wait()
    _stop_leftovers(proc.pid)
    return Run(code, lines)


def _stop_leftovers(group: int) -> None:
    """mystmd sometimes exits (e.g. when the theme download fails) without stopping its Jupyter server."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left: the usual case
        os.killpg(group, signal.SIGTERM)


def _theme_unreachable(run: Run) -> bool:
    """Did the build stop only because the theme could not be downloaded (no network)?"""
    return "stopping build" not in run.text and bool(_OFFLINE.search(run.text)) and bool(_THEME.search(run.text))


def _problems(run: Run) -> list[str]:
    """mystmd's error and warning lines, each once, as ``page: message``.

    mystmd repeats each problem (while building, then in the strict summary) and adds follow-up
    noise; a failing {quiz} shows as a generic "Non-zero error code" line followed by our message.
    """
    seen: dict[tuple[str, str], str] = {}  # (page, message) -> "page[:line]: message"
    page = ""
    for line in run.lines:
        text = _ICONS.sub("", line.strip().removeprefix("- ")).strip()
        if re.fullmatch(r"\S+\.(md|ipynb)", text):  # the strict summary names the page on its own line
            page = text
            continue
        if not _PROBLEM.search(line.strip()) or _NOISE.search(text):
            continue
        named = re.match(r"(\S+\.(?:md|ipynb))(:\d+)? (.*)", text)
        where = page
        if named:
            page, line_no, text = named.groups()
            where = page + (line_no or "")
        if _PLUGIN_FAILED.search(text):
            continue  # the plugin's own message follows on the next lines
        quiz = re.match(r"\{quiz\} at line (\d+): (.*)", text)
        if quiz:
            where, text = f"{page}:{quiz[1]}", "{quiz} " + quiz[2]
        seen.setdefault((page, text), f"{where}: {text}" if where else text)
    return list(seen.values())


def _raise_on_problems(run: Run, book: Path, *, allow_exit: bool) -> None:
    """A strict build fails on errors; we also refuse warnings, so the published book stays clean."""
    problems = _problems(run)
    if problems:
        listing = "\n  ".join(problems)
        raise CourseError(f"the book in {book} has {len(problems)} problem(s); fix them and build again:\n  {listing}")
    if run.code != 0 and not allow_exit:
        tail = "\n  ".join(line for line in run.lines[-8:] if line.strip())
        raise CourseError(f"jupyter book build failed (exit code {run.code}) in {book}; its last lines:\n  {tail}")


def _say_no_theme(book: Path) -> None:
    print(
        "coursekit: the HTML site was not built: the book theme cannot be downloaded here (no network). "
        f"The checked content build is in {book / '_build' / 'site'}. For the HTML, run `coursekit book` with "
        f"internet access, or offline: copy the book theme into {book / '_build/templates/site/myst/book-theme'} "
        "or set `site: template: <local theme folder>` in myst.yml (see the instructor guide)."
    )


def _build_html(book: Path, env: dict[str, str], execute: bool = True) -> dict[str, Path]:
    with _root_config(env) if execute else _nothing():
        run = _jupyter_book(["build", "--html"] + (["--execute"] if execute else []), book, env)
    if run.code != 0 and _OFFLINE.search(run.text):
        _say_no_theme(book)
        return {}
    _raise_on_problems(run, book, allow_exit=False)
    return {"html": book / "_build" / "html"}


def _print_outputs(outputs: dict[str, Path], *, content_built: bool = True) -> None:
    """Name what was built, and only what exists: the HTML site only where its index.html was written."""
    pages = len(list(outputs["content"].glob("*.json"))) if outputs["content"].is_dir() else 0
    index = outputs["html"] / "index.html" if "html" in outputs else None
    html = bool(index and index.is_file())
    if not (html or content_built):
        return  # nothing was built: the line above said why
    what = "HTML site" if not content_built else "content and HTML site" if html else "content (no HTML site)"
    print(f"coursekit: book {what} built.")
    if pages:
        print(f"  content (MyST AST, {pages} pages): {outputs['content']}")
    if index and index.is_file():
        print(f"  HTML site: {index}")
