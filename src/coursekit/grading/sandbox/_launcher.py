"""The first program inside a grading sandbox: it closes inherited files, makes the kernel's writable space, sets
limits, drops every privilege and becomes the kernel.

It is never imported. ``bwrap.py`` runs its text as ``python -I -S -c <text> SPEC -- KERNEL COMMAND...``, so it
needs nothing from coursekit (the package may not be visible in the sandbox) and nothing that files in the
submission could shadow (``-I -S``: no current folder, no site-packages on sys.path). SPEC is JSON:

- ``uid``: the uid to become (-1: keep the grading user's own uid, mapped in a user namespace);
- ``rlimits``: resource name (``AS``, ``FSIZE``, ``NPROC``, ``NOFILE``, ``CORE``) -> value, set as both soft and
  hard limit (a limit left out is not changed);
- ``scratch`` (or null): ``{"at", "size", "inodes", "binds"}``. One tmpfs of ``size`` bytes and ``inodes`` files
  is mounted at ``at``; each name in ``binds`` becomes a folder of it, bind-mounted on its path there (``work`` on
  ``at`` itself, last). So the copy of the submission, /tmp, /dev/shm and the kernel's sockets share ONE size and
  ONE file count that the kernel enforces. Mounting needs CAP_SYS_ADMIN, which bubblewrap grants this program only
  (in the sandbox's own mount namespace); it is gone before the kernel starts. ``scratch["keep"]`` lists folders
  bubblewrap bound read-only under one of those paths (a Python installed under /tmp): they are bound again, on
  top, so the kernel still finds them.

In a sandbox, SysV shared memory is refused (``shmget`` fails with EPERM, by a seccomp filter): a segment no process
maps any more is invisible from outside the sandbox, so no watchdog could count it. POSIX shared memory (/dev/shm,
what Python's multiprocessing uses) works, inside the capped space. A program of another architecture (32-bit code
on a 64-bit machine) gets EPERM for every system call.
"""

import ctypes
import errno
import json
import os
import resource
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
CAP_VERSION_3 = 0x20080522
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
SHMGET = {  # machine -> (its audit architecture, the numbers of shmget there: x86_64 also has the x32 one)
    "x86_64": (0xC000003E, (29, 0x40000000 | 29)),
    "aarch64": (0xC00000B7, (194,)),
}
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
MODES = {"work": 0o755, "ipc": 0o755}  # the rest (tmp, shm) are shared scratch folders: 1777
LIBC = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target: str, fstype, flags: int, data) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(LIBC.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def make_scratch(scratch: dict, uid: int) -> None:
    at, binds = scratch["at"], scratch["binds"]
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in scratch.get("keep", [])}
    options = f"size={scratch['size']},nr_inodes={scratch['inodes']},mode=0755"
    _mount("tmpfs", at, "tmpfs", MS_NOSUID | MS_NODEV, options)
    for name in binds:
        folder = f"{at}/{name}"
        os.mkdir(folder)
        os.chmod(folder, MODES.get(name, 0o1777))
        if uid >= 0:
            os.chown(folder, uid, uid)
    for name, target in sorted(binds.items(), key=lambda item: item[1] == at):  # ``at`` itself last
        _mount(f"{at}/{name}", target, None, MS_BIND, None)
    for path, fd in kept.items():
        os.makedirs(path, mode=0o755, exist_ok=True)  # root's (or, in a user namespace, a mount point: kept)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
        _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
        os.close(fd)
    os.chdir(at)  # the working folder bubblewrap chose is the empty folder these mounts now cover


def _limit(name: str, value: int) -> None:
    which = getattr(resource, f"RLIMIT_{name}", None)
    if which is not None:
        try:  # noqa: SIM105 (contextlib would be one more import before every kernel)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):  # a platform without this limit (macOS has no RLIMIT_AS to speak of)
            pass


def drop_privileges(uid: int, *, sandboxed: bool) -> None:
    """Become ``uid`` (from root), or keep our uid and lose the capabilities bubblewrap gave us for mounting."""
    if uid >= 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # from root to another uid: permitted and effective capabilities go
    if sandboxed:
        # Ambient capabilities would survive execve, inheritable ones could be picked up by a program's file
        # capabilities: all go (lowering one's own capabilities is always allowed).
        _check(LIBC.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
        header, data = (ctypes.c_uint32 * 2)(CAP_VERSION_3, 0), (ctypes.c_uint32 * 6)()
        _check(LIBC.capset(header, data), "clear capabilities")
    # No setuid program can give the kernel back what it lost (bwrap sets this too; without bwrap we must).
    _check(LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def refuse_sysv_shm() -> None:
    """A seccomp filter (it needs no_new_privs first): shmget, and any call of another architecture, fail with EPERM."""
    arch, numbers = SHMGET.get(os.uname().machine, (None, ()))
    if arch is None:
        return  # an architecture we have no numbers for: SysV shared memory stays as the machine has it
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    steps = [(BPF_LD_W_ABS, 0, 0, 4), (BPF_JEQ_K, 1, 0, arch), (BPF_RET_K, 0, 0, deny), (BPF_LD_W_ABS, 0, 0, 0)]
    for number in numbers:
        steps += [(BPF_JEQ_K, 0, 1, number), (BPF_RET_K, 0, 0, deny)]
    steps.append((BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    program = _Program(len(steps), (_Filter * len(steps))(*steps))
    _check(LIBC.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0), "seccomp filter")


def main(argv: list[str]) -> None:
    spec = json.loads(argv[1])
    command = argv[3:]
    # jupyter_client launches kernels with close_fds=False: the grader's open files (the gradebook
    # among them) and directories outside the sandbox must not reach student code.
    os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    if spec.get("scratch"):
        make_scratch(spec["scratch"], spec["uid"])
    for name, value in spec["rlimits"].items():
        _limit(name, value)
    drop_privileges(spec["uid"], sandboxed=bool(spec.get("scratch")))
    if spec.get("scratch"):
        refuse_sysv_shm()
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
