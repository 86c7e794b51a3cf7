"""An ordinary user who can run this repository's tests, for a test run as root.

The user is a uid no account uses, with no groups and no capabilities (``setpriv``). It runs the
very interpreter and environment of the root run: where these live in a folder only root may
enter (pyenv under /root), the pass runs in a mount namespace of its own (``unshare --mount``) in
which that folder is an empty tmpfs holding just the interpreter and the environment, bound
read-only. (A system Python instead is no good on Debian 12: its 3.11.2 ``re`` mis-parses the
possessive quantifiers of soupsieve, so nbconvert's HTML export, and with it nbgrader's feedback,
fails.) The sources and tests are copied to a folder the user owns, with its HOME and temp folder,
so that nothing it does touches the repository; everything is removed afterwards.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SANDBOX_TESTS = [
    "tests/grading/test_sandbox_parts.py",
    "tests/grading/test_sandbox_output_bytes.py",
    "tests/grading/test_sandbox_kernel.py",
    "tests/grading/test_sandbox.py",
]
COPIED = ("src", "tests", "pyproject.toml", "README.md", "LICENSE")
# Run as root in the new mount namespace: hide each private folder under a tmpfs, bind back what is needed in it.
EXPOSE = """
import json, os, subprocess, sys, tempfile
private, needed, stashes, command = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[5:]
def mount(*args):
    subprocess.run(["mount", *args], check=True)
for folder in private:
    inside = [p for p in needed if p.startswith(folder.rstrip("/") + "/")]
    stash = tempfile.mkdtemp(dir=stashes)
    for i, path in enumerate(inside):
        os.mkdir(f"{stash}/{i}")
        mount("--bind", path, f"{stash}/{i}")
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", folder)
    for i, path in enumerate(inside):
        os.makedirs(path, exist_ok=True)
        mount("--bind", "-o", "ro", f"{stash}/{i}", path)
os.execvp(command[0], command)
"""


@dataclass
class OrdinaryUser:
    uid: int
    root: Path  # everything of this pass, owned by the user
    python: Path
    private: list[str]  # folders only root may enter that hold the interpreter or environment
    needed: list[str]

    @property
    def repo(self) -> Path:
        return self.root / "repo"

    @property
    def basetemp(self) -> Path:
        return self.root / "pytest"

    def env(self) -> dict:
        return {
            "PATH": f"{self.python.parent}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "HOME": str(self.root / "home"),
            "TMPDIR": str(self.root / "tmp"),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(self.repo / "src"),
        }

    def run(self, cmd: list, *, timeout: float) -> subprocess.CompletedProcess:
        """``cmd`` as the user (no groups, no capabilities), in its copy of the repository."""
        who = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--inh-caps=-all"]
        command = [*who, *map(str, cmd)]
        if self.private:
            folders = [json.dumps(self.private), json.dumps(self.needed), str(self.root / "stash")]
            expose = [sys.executable, "-I", "-c", EXPOSE, *folders, "--"]
            command = ["unshare", "--mount", "--propagation", "private", *expose, *command]
        return subprocess.run(command, cwd=self.repo, env=self.env(), capture_output=True, text=True, timeout=timeout)


def free_uid(start: int = 61_000) -> int:
    """A uid that no account has and that owns no running process."""
    taken = {st.st_uid for st in map(_stat, (f"/proc/{d}" for d in os.listdir("/proc") if d.isdigit())) if st}
    for uid in range(start, start + 1000):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if uid not in taken:
                return uid
    raise RuntimeError(f"no free uid in {start}..{start + 999}")


def _stat(path: str):
    try:
        return os.stat(path)
    except OSError:
        return None


def interpreter_folders() -> list[str]:
    """The folders an ordinary user must read to run this very interpreter and environment."""
    found = {sys.base_prefix, sys.prefix, sysconfig.get_paths()["purelib"], os.path.dirname(sys.executable)}
    kept: list[str] = []
    for path in sorted({os.path.realpath(p) for p in found}, key=len):
        if not any(path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def private_ancestor(path: str) -> str | None:
    """The topmost folder above ``path`` that others may not enter, if any."""
    parts = Path(path).parts
    for i in range(2, len(parts) + 1):
        folder = str(Path(*parts[:i]))
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


@contextmanager
def ordinary_user_env():
    """An ``OrdinaryUser`` ready to run the tests; removed on exit."""
    uid = free_uid()
    root = Path(tempfile.mkdtemp(prefix="coursekit-unprivileged-"))
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".hypothesis", "migrated")
        for name in COPIED:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, root / "repo" / name, ignore=ignore)
            else:
                shutil.copy2(source, root / "repo" / name)
        for folder in ("home", "tmp", "pytest", "stash"):
            (root / folder).mkdir()
        for folder, _, files in os.walk(root):
            for name in [folder, *(os.path.join(folder, f) for f in files)]:
                os.chown(name, uid, uid, follow_symlinks=False)
        needed = interpreter_folders()
        private = sorted({a for a in map(private_ancestor, needed) if a})
        yield OrdinaryUser(uid, root, Path(sys.prefix) / "bin" / "python", private, needed)
    finally:
        shutil.rmtree(root, ignore_errors=True)
