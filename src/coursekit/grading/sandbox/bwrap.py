"""The command line that isolates a grading kernel with bubblewrap, and what happens where bubblewrap is missing.

Inside the sandbox the kernel sees: a read-only /usr (and /bin, /lib...), a few files of /etc,
the Python it runs on (prefixes and sys.path, read-only, never a folder holding the course), a
private /proc, a minimal read-only /dev, its connection file (read-only), and one size-capped
scratch space (``_launcher.py``) holding its own copy of the submission at ``/submission``, /tmp,
/dev/shm and its sockets. Everything else is read-only. It has no network (its own empty network
namespace), its own PID namespace (everything it started dies with it) and a clean environment.

As root, bubblewrap runs privileged (no user namespace) so it can reach a Python under a private
folder such as /root; the launcher then drops to the box's own uid before the kernel starts. As
any other user it runs in a user namespace with that user's uid.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .limits import MB, Limits
from .workspace import Box

INSIDE = "/submission"  # where the kernel finds its copy of the submission
SOCKETS = "/run/coursekit"  # where the kernel binds its Unix sockets (in the scratch space)
CONNECTION = "/run/kernel.json"  # where the kernel reads its connection file (read-only)
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")  # what bubblewrap's --dev offers
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
    python = python_paths(forbidden) if isolated else []
    spec = {
        "uid": box.uid if isolated and iso.privileged else -1,
        "rlimits": rlimits(limits, isolated=isolated),
        "scratch": scratch(limits, python) if isolated else None,
    }
    if isolated:  # the kernel finds its connection file where the sandbox shows it
        kernel_cmd = [CONNECTION if arg == str(box.connection) else arg for arg in kernel_cmd]
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, json.dumps(spec), "--", *kernel_cmd]
    if not isolated:
        return launcher
    return [iso.tool, *_namespaces(iso), *_mounts(box, python), *_env_args(env), "--", *launcher]


def rlimits(limits: Limits, *, isolated: bool) -> dict[str, int]:
    """The launcher's resource limits; 0 in ``limits`` leaves one unset."""
    found = {"CORE": 0, "AS": limits.memory_mb * MB, "FSIZE": limits.disk_mb * MB, "NOFILE": limits.max_open_files}
    # The process limit needs the sandbox: without it, it would count every process of the grading user.
    found["NPROC"] = limits.max_processes if isolated else 0
    return {name: value for name, value in found.items() if value or name == "CORE"}


def scratch(limits: Limits, python: list[str]) -> dict:
    """The one tmpfs everything the kernel can write lives in, where its folders appear, and which of the Python's
    folders those would hide."""
    size = max(limits.disk_mb, 16) * MB if limits.disk_mb else 0  # 0: tmpfs's own default, half the memory
    binds = {"work": INSIDE, "tmp": "/tmp", "shm": "/dev/shm", "ipc": SOCKETS}
    keep = [p for p in python if _under(p, binds.values())]
    return {"at": INSIDE, "size": size, "inodes": limits.max_files or 0, "binds": binds, "keep": keep}


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
    args += ["--cap-add", "CAP_SYS_ADMIN"]  # for the launcher's mounts, in the sandbox's own namespaces; then gone
    if iso.privileged:
        return [*args, "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # for the launcher's drop, then gone
    return [*args, "--unshare-user"]


def _mounts(box: Box, python: list[str]) -> list[str]:
    args = [*_system_mounts(), "--proc", "/proc", *_devices()]
    made: set[str] = set()
    for path in python:
        args += [*_parents(path, made), "--ro-bind", path, path]
    args += ["--ro-bind", str(box.connection), CONNECTION] if box.connection.exists() else []
    args += ["--dir", "/tmp", "--dir", SOCKETS, "--dir", INSIDE, "--chdir", INSIDE]  # the launcher mounts on these
    # Last: nothing but the scratch space is writable (as any user but root, bubblewrap's own / and /dev would be).
    return [*args, "--remount-ro", "/dev", "--remount-ro", "/"]


def _devices() -> list[str]:
    """A /dev like bubblewrap's --dev, without its devpts (whose mount keeps the launcher from mounting, as any
    user but root) and with an empty /dev/shm for the launcher to mount on."""
    args = ["--perms", "0755", "--size", str(MB), "--tmpfs", "/dev"]
    for node in DEVICES:
        args += ["--dev-bind", f"/dev/{node}", f"/dev/{node}"]
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        args += ["--symlink", f"/proc/self/fd/{fd}", f"/dev/{name}"]
    return [*args, "--symlink", "/proc/self/fd", "/dev/fd", "--dir", "/dev/shm"]


def _system_mounts() -> list[str]:
    args = []
    for top in SYSTEM:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += [
        "--perms",
        "0755",
        "--dir",
        "/etc",
        "--perms",
        "0755",
        "--dir",
        "/run",
    ]  # else binding a file makes them 0700
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
