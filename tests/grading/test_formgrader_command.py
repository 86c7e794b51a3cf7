"""`coursekit formgrader` run as an instructor would: a real Jupyter server whose formgrader shows the course."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from quiz_course import BIN, QUIZ, build, env

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


def _url_from(server: subprocess.Popen, seconds: float = 60) -> str:
    """The formgrader URL the command prints (before the server's own lines)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if line.startswith("coursekit: open "):
            return line.removeprefix("coursekit: open ").strip()
        if not line and server.poll() is not None:
            break
    pytest.fail(f"coursekit formgrader printed no URL (exit {server.poll()})")


def _get(url: str, seconds: float = 90) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5).read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_formgrader_started_from_anywhere_in_the_course_lists_its_assignments(tmp_path):
    """Started from the course's book/ folder (not assignments/), does `coursekit formgrader` print a URL whose
    formgrader lists the course's released quiz, refuse requests without its token, and stop on Ctrl+C?"""
    root = build(tmp_path / "course")
    cmd = [str(BIN / "coursekit"), "formgrader"]
    server = subprocess.Popen(cmd, cwd=root / "book", env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)  # fmt: skip
    try:
        url = _url_from(server)
        assert url.startswith("http://127.0.0.1:") and "/formgrader?token=" in url
        base, token = url.split("/formgrader?token=")
        page = _get(url).decode()
        assert "formgrader" in page.lower()
        listed = json.loads(_get(f"{base}/formgrader/api/assignments?token={token}"))
        assert [a["name"] for a in listed] == [QUIZ]
        anonymous = urllib.request.urlopen(f"{base}/formgrader/api/assignments", timeout=5)  # no token
        assert "/login" in anonymous.url and QUIZ not in anonymous.read().decode()  # sent to log in, shown nothing
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl+C in the terminal would
        try:
            out, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # never hang the suite: the server it started holds the pipe too
            os.killpg(server.pid, signal.SIGKILL)
            out, _ = server.communicate(timeout=30)
    assert server.returncode == 0 and "formgrader stopped" in out and "Traceback" not in out


def test_formgrader_outside_a_course_says_so(tmp_path: Path):
    """Run outside any course, does `coursekit formgrader` say where it looked, in one line, and start nothing?"""
    done = subprocess.run([str(BIN / "coursekit"), "formgrader"], cwd=tmp_path, env=env(), capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"coursekit: {tmp_path.resolve()}: not inside a coursekit course")
