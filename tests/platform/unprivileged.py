"""An environment in which a throwaway ordinary user can run this repository's tests (for a root test run).

The user is a uid no account uses. It cannot read the Python root's tests run on where that lives
in a private folder (pyenv under /root), so it gets a virtual environment of its own, made with
the system's Python (Debian's /usr/bin/python3.11, or another >= 3.11 it can run), that reuses the
packages of the test run's own environment through a ``.pth`` file (no download) when it can read
them, and a copy of them when it cannot. Console scripts (nbgrader, alembic...) get the same
command with this environment's Python. The sources and tests are copied to a folder the user
owns, so that nothing it does touches the repository; everything is removed afterwards.
"""

from __future__ import annotations

import os
import pwd
import shutil
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
PYTHONS = ("/usr/bin/python3.11", "/usr/bin/python3.12", "/usr/bin/python3.13", "/usr/bin/python3")


@dataclass
class OrdinaryUser:
    uid: int
    root: Path  # everything of this pass, owned by the user
    python: Path

    @property
    def repo(self) -> Path:
        return self.root / "repo"

    @property
    def basetemp(self) -> Path:
        return self.root / "pytest"

    def env(self) -> dict:
        return {
            "PATH": f"{self.python.parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.root / "home"),
            "TMPDIR": str(self.root / "tmp"),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(self.repo / "src"),
        }

    def run(self, cmd: list, *, timeout: float) -> subprocess.CompletedProcess:
        """``cmd`` as the user (no groups, no capabilities), in its copy of the repository."""
        who = [f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--inh-caps=-all"]
        return subprocess.run(
            ["setpriv", *who, *map(str, cmd)], cwd=self.repo, env=self.env(), capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip


def free_uid(start: int = 61_000) -> int:
    """A uid that no account has and that owns no running process."""
    taken = {p.st_uid for p in (_stat(f"/proc/{d}") for d in os.listdir("/proc") if d.isdigit()) if p}
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


@contextmanager
def ordinary_user_env():
    """An ``OrdinaryUser`` ready to run the tests; removed on exit."""
    uid = free_uid()
    root = Path(tempfile.mkdtemp(prefix="coursekit-unprivileged-"))
    try:
        for name in COPIED:
            source = REPO / name
            copy = shutil.copytree if source.is_dir() else shutil.copy2
            ignore = {"ignore": shutil.ignore_patterns("__pycache__", "*.egg-info", ".hypothesis")}
            copy(source, root / "repo" / name, **(ignore if source.is_dir() else {}))
        for folder in ("home", "tmp", "pytest"):
            (root / folder).mkdir()
        python = _venv(root / "venv", uid)
        _chown_tree(root, uid)
        yield OrdinaryUser(uid, root, python)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _venv(dest: Path, uid: int) -> Path:
    """A virtual environment of a system Python the user can run, with this run's packages (see the docstring)."""
    base = next(
        (p for p in PYTHONS if _runs_as(uid, [p, "-c", "import sys; assert sys.version_info >= (3, 11)"])), None
    )
    if base is None:
        raise RuntimeError(f"no Python >= 3.11 that an ordinary user can run among {PYTHONS}: install python3")
    subprocess.run([base, "-m", "venv", "--without-pip", str(dest)], check=True, capture_output=True)
    packages = Path(sysconfig.get_paths()["purelib"])
    if not _runs_as(uid, [base, "-c", f"import os; os.listdir({str(packages)!r})"]):
        packages = Path(shutil.copytree(packages, dest / "packages", symlinks=True))
    theirs = Path(subprocess.check_output([dest / "bin" / "python", "-c", _PURELIB], text=True).strip())
    (theirs / "coursekit-test-run.pth").write_text(f"{packages}\n")
    _console_scripts(Path(sys.prefix) / "bin", dest / "bin")
    return dest / "bin" / "python"


_PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"


def _runs_as(uid: int, cmd: list) -> bool:
    who = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    done = subprocess.run([*who, *map(str, cmd)], capture_output=True, cwd="/", env={"PATH": "/usr/bin:/bin"})
    return done.returncode == 0


def _console_scripts(theirs: Path, ours: Path) -> None:
    """Each console script of the test run's environment, started by our environment's Python instead."""
    shebang = f"#!{sys.prefix}/bin/python"
    for script in theirs.iterdir():
        try:
            first, rest = script.read_text().split("\n", 1)
        except (UnicodeDecodeError, ValueError, IsADirectoryError):
            continue
        if first.startswith(shebang) and not (ours / script.name).exists():
            (ours / script.name).write_text(f"#!{ours}/python\n{rest}")
            (ours / script.name).chmod(0o755)


def _chown_tree(root: Path, uid: int) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.chown(name, uid, uid, follow_symlinks=False)
