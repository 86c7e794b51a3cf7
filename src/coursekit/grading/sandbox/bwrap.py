"""The command line that isolates a grading kernel with bubblewrap, and what happens where bubblewrap is missing.

Inside the sandbox the kernel sees: a read-only /usr (and /bin, /lib...), a few files of /etc,
the Python it runs on (prefixes and sys.path, read-only, never a folder holding the course), a
private /proc, a minimal /dev, a small private /tmp, its sockets folder, and its own copy of the
submission at ``/submission``. It has no network (its own empty network namespace), its own PID
namespace (everything it started dies with it) and a clean environment.

As root, bubblewrap runs privileged (no user namespace) so it can reach a Python under a private
folder such as /root; the launcher then drops to the box's own uid before the kernel starts. As
any other user it runs in a user namespace with that user's uid.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .limits import MB, Limits
from .workspace import Box

INSIDE = "/submission"  # where the kernel finds its copy of the submission
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "alternatives", "nsswitch.conf",
    "hosts", "mime.types", "ssl", "ca-certificates", "fonts", "os-release",
)  # fmt: skip
INSTALL_HINT = "apt-get install bubblewrap"
LAUNCHER = (Path(__file__).parent / "_launcher.py").read_text()


@dataclass(frozen=True)
class Isolation:
    """How kernels run in this process: in bubblewrap (``tool`` set) or not isolated (``problem`` says why)."""

    tool: str | None
    privileged: bool
    problem: str = ""

    def warning(self) -> str:
        """The one line shown when kernels are not isolated."""
        who = "root" if self.privileged else "the grading user"
        return (
            f"coursekit: bubblewrap (bwrap) {self.problem}, so grading kernels are NOT isolated: they run as {who}, "
            f"can read the course folder and can use the network. Install it with `{INSTALL_HINT}`; "
            "the time, memory and output limits still apply."
        )


def isolation(tool: str = "bwrap") -> Isolation:
    """What this machine allows (checked once per process and PATH)."""
    return _isolation(tool, os.environ.get("PATH", ""), os.geteuid() == 0)


@functools.lru_cache(maxsize=8)
def _isolation(tool: str, path: str, privileged: bool) -> Isolation:
    found = shutil.which(tool, path=path)
    if not found:
        return Isolation(None, privileged, "was not found")
    problem = _probe(Isolation(found, privileged))
    if problem:
        return Isolation(None, privileged, f"is installed but could not start a sandbox here ({problem})")
    return Isolation(found, privileged)


def _probe(iso: Isolation) -> str:
    """Run the real command line once around `python -c pass`; '' if it works, else bwrap's last line."""
    box = Box.create()
    try:
        env = kernel_env(iso, box, {})
        cmd = command(iso, box, [sys.executable, "-I", "-S", "-c", "pass"], Limits(), env=env, forbidden=())
        done = subprocess.run(cmd, cwd=box.work, env=env, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return str(e)
    finally:
        box.remove()
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return "" if done.returncode == 0 else (lines[-1] if lines else f"exit status {done.returncode}")


def command(iso: Isolation, box: Box, kernel_cmd: list[str], limits: Limits, *, env: dict, forbidden) -> list[str]:
    """The full command that starts ``kernel_cmd`` in ``box`` under ``limits``, with exactly ``env``."""
    isolated = iso.tool is not None
    uid = box.uid if isolated and iso.privileged else -1
    # The process limit needs the sandbox: without it, it would count every process of the grading user.
    processes = limits.max_processes if isolated else 0
    launcher = [
        sys.executable, "-I", "-S", "-c", LAUNCHER, str(uid), str(limits.memory_mb * MB),
        str(limits.disk_mb * MB), str(processes), "--", *kernel_cmd,
    ]  # fmt: skip
    if not isolated:
        return launcher
    return [iso.tool, *_namespaces(iso), *_mounts(box, limits, forbidden), *_env_args(env), "--", *launcher]


def kernel_env(iso: Isolation, box: Box, given: dict) -> dict:
    """The kernel's whole environment: nothing of the grader's but what nbgrader sets for kernels."""
    home = "/tmp" if iso.tool else str(box.home)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "USER": "student",  # the kernel's uid has no name; some libraries ask for one
        "LOGNAME": "student",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MALLOC_ARENA_MAX": "2",  # glibc reserves 64 MB of address space per arena: keep the memory limit honest
    }
    env.update({k: given[k] for k in ("NBGRADER_EXECUTION", "JUPYTER_PLATFORM_DIRS") if k in given})
    return env


def _namespaces(iso: Isolation) -> list[str]:
    args = ["--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc"]
    args += ["--unshare-uts", "--hostname", "sandbox", "--unshare-cgroup-try"]
    if iso.privileged:
        return [*args, "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # for the launcher's drop, then gone
    return [*args, "--unshare-user"]


def _mounts(box: Box, limits: Limits, forbidden) -> list[str]:
    args = _system_mounts()
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", str(max(limits.disk_mb, 16) * MB), "--tmpfs", "/tmp"]
    made: set[str] = set()
    for path in python_paths(forbidden):
        args += [*_parents(path, made), "--ro-bind", path, path]
    args += [*_parents(str(box.ipc), made), "--bind", str(box.ipc), str(box.ipc)]
    return [*args, "--bind", str(box.work), INSIDE, "--chdir", INSIDE]


def _system_mounts() -> list[str]:
    args = []
    for top in SYSTEM:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _parents(path: str, made: set[str]) -> list[str]:
    """Create the folders above a mount point world-traversable (bubblewrap would copy /root's 0700)."""
    args = []
    for parent in reversed(Path(path).parents[:-1]):  # from the top, without "/"
        p = str(parent)
        if p in made or p in ("/tmp", "/etc") or _under(p, SYSTEM):
            continue
        made.add(p)
        args += ["--perms", "0755", "--dir", p]
    return args


def python_paths(forbidden) -> list[str]:
    """Folders the kernel's Python needs, read-only: the interpreter's prefixes, its package folders, and the
    folders its ``.pth`` files add (an editable install's ``src``).

    Any other sys.path entry (the working folder, a repository root a test runner or a Dask worker put there,
    a scratch folder) could hold course files, so it is never mounted; neither is a folder that holds or lies in
    a ``forbidden`` one, nor (unless it is a prefix) one that holds the working or home folder.
    """
    prefixes = {os.path.abspath(p) for p in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix)}
    packages = {os.path.abspath(p) for p in sys.path if p and os.path.basename(p) in ("site-packages", "dist-packages")}
    bad = [os.path.realpath(f) for f in forbidden]
    broad = [os.path.realpath(p) for p in (os.getcwd(), os.path.expanduser("~"))]
    kept: list[str] = []
    for p in sorted(prefixes | packages | _pth_folders(packages), key=len):
        real = os.path.realpath(p)
        if not os.path.isdir(p) or _under(p, SYSTEM) or _under(p, kept) or _holds(real, bad):
            continue
        if p not in prefixes and (_under(real, bad) or _holds(real, broad)):
            continue
        kept.append(p)
    return kept


def _pth_folders(packages: set[str]) -> set[str]:
    """The folders that ``.pth`` files in the package folders add to sys.path (their import lines aside)."""
    found = set()
    for folder in packages:
        for pth in Path(folder).glob("*.pth") if os.path.isdir(folder) else []:
            lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
            found |= {os.path.abspath(s) for s in (ln.strip() for ln in lines) if s.startswith("/")}
    return found


def _holds(folder: str, paths) -> bool:
    return any(_under(p, [folder]) for p in paths)


def _under(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _env_args(env: dict) -> list[str]:
    args = ["--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args
