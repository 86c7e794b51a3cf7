"""`coursekit formgrader`: nbgrader's formgrader opened at the course, without a JupyterHub.

Formgrader reads nbgrader's configuration from the folder its Jupyter server starts in: started anywhere else it
shows an empty course, and says nothing. So the server always starts in the course's assignments/ folder (where
nbgrader_config.py is), on 127.0.0.1, with a fresh token in the URL printed before it starts.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..course import Course, find_course
from ..errors import CourseError


@dataclass(frozen=True)
class Launch:
    """A formgrader server to start: the command, the folder it starts in, and the URL to open."""

    cmd: list[str]
    cwd: Path
    url: str


def formgrader_launch(*, course: Course, port: int | None = None, lab: bool = False, token: str = "") -> Launch:
    """The Jupyter server (``lab``: JupyterLab) that shows ``course`` in formgrader; a free port unless ``port``."""
    if not (course.assignments / "nbgrader_config.py").is_file():
        raise CourseError(f"{course.assignments}: no nbgrader_config.py, so formgrader would show no course.")
    port = port or _free_port()
    token = token or secrets.token_hex(24)
    cmd = [sys.executable, "-m", "jupyterlab" if lab else "jupyter_server", "--no-browser", "--ip=127.0.0.1"]
    cmd += [f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    cmd += [f"--ServerApp.root_dir={course.root}"]  # the notebooks formgrader links to open in it
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # Jupyter refuses root otherwise (containers, CI)
    return Launch(cmd, course.assignments, f"http://127.0.0.1:{port}/formgrader?token={token}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_formgrader(*, port: int | None = None, lab: bool = False) -> int:
    """Start formgrader at the course found from here and wait until the user stops it (Ctrl+C)."""
    launch = formgrader_launch(course=find_course(), port=port, lab=lab)
    print(f"coursekit: starting formgrader for the course in {launch.cwd}", flush=True)
    print(f"coursekit: open {launch.url}", flush=True)
    print("coursekit: press Ctrl+C here to stop it.", flush=True)
    server = subprocess.Popen(launch.cmd, cwd=launch.cwd)
    try:
        return server.wait()
    except KeyboardInterrupt:
        _stop(server)
        print("coursekit: formgrader stopped.")
        return 0


def _stop(server: subprocess.Popen, grace: float = 10) -> None:
    """Jupyter asks to confirm a first Ctrl+C, so ask it to stop; one that has not stopped in ``grace`` s is killed."""
    server.terminate()
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
