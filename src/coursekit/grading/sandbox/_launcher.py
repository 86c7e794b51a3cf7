"""The first program inside a grading sandbox: it closes inherited files, sets limits, drops root, becomes the kernel.

It is never imported. ``sandbox_kernel.py`` runs its text as
``python -I -S -c <text> UID ADDRESS_SPACE FILE_SIZE PROCESSES -- KERNEL COMMAND...``, so it needs
nothing from coursekit (the package may not be visible in the sandbox) and nothing that files
in the submission could shadow (``-I -S``: no current folder, no site-packages on sys.path).
A limit of 0 is not set; a UID of -1 is not changed.
"""

import os
import resource
import sys

PR_SET_NO_NEW_PRIVS = 38


def _limit(which: int, value: int) -> None:
    if value > 0:
        try:  # noqa: SIM105 (contextlib would be one more import before every kernel)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):  # a platform without this limit (macOS has no RLIMIT_AS to speak of)
            pass


def _no_new_privileges() -> None:
    """No setuid program can give the kernel back what it lost (bwrap sets this too; without bwrap we must)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> None:
    uid, address_space, file_size, processes = (int(a) for a in argv[1:5])
    command = argv[6:]
    # jupyter_client launches kernels with close_fds=False: the grader's open files (the gradebook
    # among them) and directories outside the sandbox must not reach student code.
    os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_AS, address_space)
    _limit(resource.RLIMIT_FSIZE, file_size)
    # Set inside the sandbox's own user namespace (or for its own uid), so it counts this sandbox only.
    _limit(resource.RLIMIT_NPROC, processes)
    if uid >= 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    _no_new_privileges()
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
