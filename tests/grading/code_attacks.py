"""What a hostile student hands in for the code exercise of code_course.py, and what each attempt must come to.

Each attack is the right answer plus code, in the second answer cell, that tries to escape the
grading kernel or to break a limit so that grading suffers: read the key, forge a grade, reach the
network, exhaust memory (also through shared memory, memfd and tmpfs, which an address-space limit
does not see), disk, processes or open files, or flood the graded notebook with output that an
output limit counting strings alone would miss (numbers and keys, images, HTML, many small outputs,
display updates that rewrite many outputs at once).
"""

from __future__ import annotations

from pathlib import Path

from code_course import LIMITS

MB = 1024 * 1024
FLOOD = LIMITS["output_bytes"]


def attacks(course: Path, port: int) -> dict[str, str]:
    """kind -> code the student adds after a right ``square``; ``course`` and ``port`` are the grader's."""
    return {**escapes(course, port), **exhaustion(), **floods()}


def escapes(course: Path, port: int) -> dict[str, str]:
    return {
        "bank-up": "print(open('../../../bank/key.yaml').read())",
        "bank-abs": f"print(open({str(course / 'bank' / 'key.yaml')!r}).read())",
        "tree": (
            "import os\nfor p in ['.', '..', '../..', '../../..', '../../../..']:\n    print(p, sorted(os.listdir(p)))"
        ),
        "gradebook": (
            f"import sqlite3\ndb = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
            "db.execute('update grade set manual_score = 99')\ndb.commit()\n"
            "print(db.execute('select * from submitted_assignment').fetchall())"
        ),
        "submitted": f"import os\nprint(os.listdir({str(course / 'submitted')!r}))",
        "network": (
            f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=5)\n"
            "s.sendall(b'hello')\nprint(s.recv(100))"
        ),
        "whoami": (
            "import os\nprint('uid', os.getuid(), 'gid', os.getgid(), 'groups', os.getgroups())\n"
            "for ns in ('mnt', 'pid', 'net', 'ipc', 'uts', 'user'):\n"
            "    print(f'ns:{ns}', os.readlink(f'/proc/self/ns/{ns}'))"
        ),
    }


def exhaustion() -> dict[str, str]:
    write = "    with open(f'{folder}/f{{i}}', 'wb') as f:\n        f.write(b'x' * {size})\n"
    fill = "i = 0\nwhile True:\n" + write + "    i += 1"
    return {
        "fork": (
            "import os, time\npids = []\nwhile True:\n    pid = os.fork()\n    if pid == 0:\n"
            "        time.sleep(60)\n        os._exit(0)\n    pids.append(pid)"
        ),
        "forkbomb": (  # every child forks too; at the limit they all wait, holding their places
            "import os, time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.2)"
        ),
        "memory": "block = bytearray(2 * 1024 ** 3)",
        "memfd": (  # allocated, never mapped: no address space is used; each under the largest file allowed
            "import os\nheld = []\nfor i in range(32):\n    fd = os.memfd_create(f'm{i}')\n"
            f"    os.posix_fallocate(fd, 0, {48 * MB})\n    held.append(fd)"
        ),
        "sysv": (  # SysV segments outlive every mapping, out of sight of anything outside the sandbox
            "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.shmat.restype = ctypes.c_void_p\n"
            "for i in range(12):\n    sid = libc.shmget(0, 128 << 20, 0o1000 | 0o600)\n    if sid < 0:\n"
            "        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))\n"
            "    addr = libc.shmat(sid, None, 0)\n    ctypes.memset(addr, 1, 128 << 20)\n"
            "    libc.shmdt(ctypes.c_void_p(addr))"
        ),
        "shm": fill.format(folder="/dev/shm", size=16 * MB),
        "tmpfs": fill.format(folder="/tmp", size=16 * MB),
        "disk": fill.format(folder=".", size=MB),
        "inodes": "i = 0\nwhile True:\n    open(f'n{i}', 'w').close()\n    i += 1",
        "openfiles": "held = [open('/dev/null') for _ in range(5000)]",
        "sleep": "import time\ntime.sleep(600)",
    }


def floods() -> dict[str, str]:
    show = "from IPython.display import display, update_display\n"
    return {
        "flood": f"for _ in range(50):\n    print('x' * {FLOOD // 10}, flush=True)",
        "json": show + "display({'application/json': {'k' * 60 + str(i): i for i in range(100_000)}}, raw=True)",
        "png": show + f"display({{'image/png': 'iVBORw0KGgo' * {FLOOD // 5}}}, raw=True)",
        "html": show + f"display({{'text/html': '<p>' + 'x' * {3 * FLOOD} + '</p>'}}, raw=True)",
        "small": show + "for i in range(100_000):\n    display('.' * 1000)",  # and the JSON around each one
        "lines": f"print('\\n' * {FLOOD // 2})",  # each line is one JSON string, indented, in the notebook
        "updates": (
            show + "for i in range(2_000):\n    display('.', display_id='d')\n"
            "for i in range(1_000):\n    update_display('u' * 2_000, display_id='d')"
        ),
    }


BLOCKED = {  # attack -> the error its cell must show (it is refused; the rest of the notebook runs)
    "bank-up": "FileNotFoundError",
    "bank-abs": "FileNotFoundError",
    "gradebook": "OperationalError",
    "submitted": "FileNotFoundError",
    "network": "ConnectionRefusedError",
    "fork": "BlockingIOError",
    "memory": "MemoryError",
    "sysv": "PermissionError",  # shmget refused with EPERM
    "shm": "OSError",
    "tmpfs": "OSError",
    "disk": "OSError",
    "inodes": "OSError",
    "openfiles": "OSError",
}
DISK = (
    f"at most {LIMITS['disk_mb']} MB in at most {LIMITS['max_files']:,} files and folders while it is graded: "
    "its folder, /tmp and /dev/shm together"
)
NOTES = {  # refused attack -> the limit its error must name
    "fork": f"at most {LIMITS['max_processes']} processes",
    "memory": f"at most {LIMITS['memory_mb']} MB of memory",
    "shm": DISK,
    "tmpfs": DISK,
    "disk": DISK,
    "inodes": DISK,
    "openfiles": f"at most {LIMITS['max_open_files']} files open at once",
}
WALL = f"the notebook ran longer than {LIMITS['wall_seconds']} s"
OUTPUT = f"the notebook printed more than {FLOOD:,} bytes of output"
CUT_OFF = {  # attack -> the reason the notebook was stopped (cells after it score 0)
    "sleep": WALL,
    "forkbomb": WALL,
    "memfd": f"the notebook used more than {LIMITS['memory_mb']} MB of memory (shared memory and files it wrote count)",
    **dict.fromkeys(floods(), OUTPUT),
}
