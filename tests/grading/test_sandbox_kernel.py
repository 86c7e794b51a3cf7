"""SandboxedExecute and its kernel manager, driven directly on small notebooks (no gradebook)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import coursekit
from coursekit.grading.parallel import kernels
from coursekit.grading.sandbox import cgroups
from coursekit.grading.sandbox.bwrap import SOCKETS, isolation
from coursekit.grading.sandbox.execute import SandboxedExecute
from coursekit.grading.sandbox.kernel import new_manager
from coursekit.grading.sandbox.limits import Limits
from coursekit.grading.sandbox.notebook_bytes import output_bytes

pytestmark = pytest.mark.slow


def notebook(*sources: str):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def run(folder: Path, *sources: str, **traits):
    pp = SandboxedExecute(**{"wall_seconds": 30, "memory_mb": 1024, **traits})
    resources = {"metadata": {"path": str(folder)}}
    nb, resources = pp.preprocess(notebook(*sources), resources)
    return [_said(c) for c in nb.cells], resources


def _said(cell) -> str:
    parts = []
    for o in cell.outputs:
        parts.append(o.get("text", "") + o.get("data", {}).get("text/plain", "") + "\n".join(o.get("traceback", [])))
    return "".join(parts)


@pytest.fixture
def submission(tmp_path) -> Path:
    folder = tmp_path / "autograded" / "ann" / "exercise"
    folder.mkdir(parents=True)
    (folder / "data.csv").write_text("x\n1\n")
    (tmp_path / "gradebook.db").write_text("secret gradebook")
    return folder


def test_the_machine_has_bubblewrap():
    """Is bwrap usable here, so that these tests exercise the sandbox (make test installs it)?"""
    assert isolation().tool, isolation().warning()


def _descendants(pid: int) -> list[int]:
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _status(pid: int) -> dict:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.split() for k, v in (ln.split(":", 1) for ln in lines)}


async def _started_kernel():
    km = new_manager("python3", None, Limits())
    await km.start_kernel(cwd=str(km.box.work))
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)  # past the launcher: the kernel itself answers
    kc.stop_channels()
    return km


def test_kernel_process_is_unprivileged_as_seen_from_the_host():
    """Seen from outside the sandbox, is the kernel process a non-root uid (as root: the box's own; else the grader's,
    in a user namespace of its own), without capabilities or new privileges, its sockets inside the sandbox?"""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    # One thread of our own for the event loop (another test's tool, Playwright's sync API, may keep a loop running
    # in the main thread), alive until the kernel is shut down: bwrap's --die-with-parent follows the starting thread.
    with ThreadPoolExecutor(1) as loop_thread:
        km = loop_thread.submit(asyncio.run, _started_kernel()).result()
        try:
            kernel = [p for p in _descendants(km.provisioner.pid) if _cmdline(p)[1:3] == [b"-m", b"ipykernel_launcher"]]
            assert len(kernel) == 1, "no ipykernel process under the sandbox"
            status = _status(kernel[0])
            assert all(int(uid) != 0 for uid in status["Uid"]) and all(int(gid) != 0 for gid in status["Gid"])
            if os.geteuid() == 0:
                assert {int(uid) for uid in status["Uid"]} == {km.box.uid}
            else:
                assert os.readlink(f"/proc/{kernel[0]}/ns/user") != os.readlink("/proc/self/ns/user")
            for caps in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
                assert status[caps] == ["0000000000000000"], caps
            assert status["NoNewPrivs"] == ["1"]
            assert km.transport == "ipc" and km.ip.startswith(SOCKETS + "/") and km.sandbox_root
            assert os.listdir(km.box.ipc) == ["kernel.json"]  # nothing the kernel made is on the grader's disk
        finally:
            loop_thread.submit(asyncio.run, km.shutdown_kernel(now=True)).result()
    assert not km.box.root.exists()  # shutting down removed the box


def _cmdline(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def test_kernel_sees_only_its_copy_and_no_grader_file(submission):
    """Does the kernel work in a copy of its own folder, with none of the grader's open files or the course?"""
    gradebook = submission.parent.parent.parent / "gradebook.db"
    secret = os.open(gradebook, os.O_RDONLY)
    os.set_inheritable(secret, True)
    try:
        said, _ = run(
            submission,
            "import os; print(os.getcwd(), sorted(os.listdir('.')))",
            "open('data.csv', 'a').write('2\\n')\nprint(sorted(os.listdir('/')))",
            FILES_OPEN,
            f"print(open({str(gradebook)!r}).read())",
        )
    finally:
        os.close(secret)
    assert said[0] == "/submission ['data.csv']\n"
    assert "gradebook" not in said[1] and "autograded" not in said[1]
    assert said[2].startswith("open: ") and "gradebook" not in said[2], said[2]
    assert "No such file or directory" in said[3]
    assert (submission / "data.csv").read_text() == "x\n1\n"  # nothing the kernel wrote came back


FILES_OPEN = """import os
links = []
for fd in os.listdir('/proc/self/fd'):
    try:
        links.append(os.readlink('/proc/self/fd/' + fd))
    except OSError:
        pass  # the listing's own descriptor, closed by now
print('open:', links)"""


def test_interrupt_on_cell_timeout_still_works(submission):
    """Does nbgrader's per-cell timeout interrupt the sandboxed kernel and let the next cells run?"""
    said, resources = run(submission, "import time; time.sleep(60)", "print('after')", timeout=2)
    assert "CellTimeoutError" in said[0] or "KeyboardInterrupt" in said[0]
    assert said[1] == "after\n"
    assert "coursekit" not in resources  # a cell timeout is nbgrader's business, not a stop


def test_wall_clock_counts_the_whole_notebook(submission):
    """With 5 s for the notebook and cells of 2 s each, is the third cell stopped though no cell is slow?"""
    start = time.monotonic()
    said, resources = run(submission, *["import time; time.sleep(2); print('ok')"] * 4, wall_seconds=5)
    assert said[:2] == ["ok\n", "ok\n"]
    assert said[2] == "stopped: the notebook ran longer than 5 s"
    assert said[3] == "stopped: the notebook ran longer than 5 s; this cell did not run"
    assert resources["coursekit"]["stopped"] == "the notebook ran longer than 5 s"
    assert time.monotonic() - start < 15


def test_output_limit_counts_bytes_across_cells(submission):
    """Are small prints stopped once the bytes they add to the notebook add up past the limit, keeping what fitted?"""
    nb, _ = _run_nb(submission, *["print('é' * 300)"] * 4, output_bytes=1800)  # 600 bytes of text, and JSON
    said = [_said(c) for c in nb.cells]
    assert said[0] == "é" * 300 + "\n" and said[1] == said[0]
    cut = said[2].removesuffix("stopped: the notebook printed more than 1,800 bytes of output")
    assert cut != said[2] and 0 < len(cut) < 300 and set(cut) == {"é"}
    assert said[3] == "stopped: the notebook printed more than 1,800 bytes of output; this cell did not run"
    stops = [o for c in nb.cells for o in c.outputs if o.get("ename") == "NotebookStopped"]
    assert _output_bytes(nb) <= 1800 + sum(output_bytes(o) for o in stops)  # and the two stop lines we add


def _run_nb(folder: Path, *sources: str, **traits):
    pp = SandboxedExecute(**{"wall_seconds": 30, "memory_mb": 1024, **traits})
    return pp.preprocess(notebook(*sources), {"metadata": {"path": str(folder)}})


def _output_bytes(nb) -> int:
    """What the outputs add to the notebook's file, as nbformat writes it."""
    bare = nbformat.from_dict(nb)
    for cell in bare.cells:
        cell.outputs = []
    return len(nbformat.writes(nb).encode()) - len(nbformat.writes(bare).encode())


WRITES = """import os
def attempt(path, mb):
    try:
        with open(path, 'wb') as f:
            f.write(b'x' * (mb << 20))
        return 'ok'
    except OSError as e:
        return e.strerror
"""


def test_only_one_capped_space_is_writable(submission):
    """Is nothing writable but the notebook's folder, /tmp and /dev/shm, and do these three share one size?"""
    elsewhere = ["/x", "/dev/x", "/etc/x", "/usr/x", "/run/x", "/proc/x", "/run/kernel.json", "/dev/null/x"]
    said, _ = run(
        submission,
        WRITES,
        f"print([attempt(p, 0) for p in {elsewhere!r}])",
        "print(attempt('a', 6), attempt('/tmp/b', 6), attempt('/dev/shm/c', 6))",
        "os.remove('a'), os.remove('/tmp/b'), os.remove('/dev/shm/c')\nprint(attempt('d', 20))",
        disk_mb=16,
    )
    assert "ok" not in said[1], said[1]  # read-only file system, or no permission
    assert said[2] == "ok ok No space left on device\n"  # 12 of 16 MB used: the third does not fit
    assert said[3] in ("File too large\n", "No space left on device\n")  # nor one file larger than the space


MECHANISMS = ["watchdog", *(["cgroup"] if cgroups.support().parents else [])]
MEMFD = """import os
held = []
for i in range(8):
    fd = os.memfd_create(f'm{i}')
    for _ in range(48):
        os.write(fd, b'x' * (1 << 20))
    held.append(fd)
print('held', len(held))"""


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_memory_counts_memfd(submission, monkeypatch, mechanism):
    """Is memory held in memfd files, which use no address space, counted: is the notebook stopped at its memory
    limit, by the sandbox's cgroup where the grader can make one and by the watchdog where it cannot?"""
    if mechanism == "watchdog":
        monkeypatch.setattr(cgroups, "support", lambda: cgroups.Support(problem="the watchdog, for this test"))
    nb, resources = _run_nb(submission, MEMFD, "print('after')", memory_mb=256, disk_mb=64)
    reason = "the notebook used more than 256 MB of memory (shared memory and files it wrote count)"
    assert resources["coursekit"]["stopped"] == reason
    assert [_said(c) for c in nb.cells] == [f"stopped: {reason}", f"stopped: {reason}; this cell did not run"]


def test_an_oversized_message_never_reaches_the_grader_memory(submission):
    """Is one output message far larger than the output limit refused before the grader reads it into memory?"""
    Path("/proc/self/clear_refs").write_text("5")  # the peak of our memory starts again from now
    before = _kb("VmRSS")
    nb, resources = _run_nb(
        submission,
        "from IPython.display import display\ndisplay({'application/json': {str(i): i for i in range(2_000_000)}}, "
        "raw=True)",
        output_bytes=100_000,
    )
    assert resources["coursekit"]["stopped"] == "the notebook printed more than 100,000 bytes of output"
    assert _kb("VmHWM") - before < 100_000  # parsed, those 30 MB of JSON would take several hundred MB


def _kb(field: str) -> int:
    line = next(ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith(field + ":"))
    return int(line.split()[1])


def test_too_large_submission_runs_nothing(submission):
    """Is a submission over submission_mb not run at all, each cell saying why?"""
    (submission / "huge.bin").write_bytes(b"0" * (2 * 1024 * 1024))
    said, resources = run(submission, "print('hi')", submission_mb=1)
    assert said == ["stopped: the submission is too large to grade (its files add up to more than 1 MB; "
                    "at most 1 MB is copied); this cell did not run"]  # fmt: skip
    assert "too large" in resources["coursekit"]["stopped"]


def test_scored_notebook_starts_no_kernel(submission):
    """When the quiz scorer already scored the notebook, is it returned untouched, with no kernel run?"""
    nb = notebook("import os; os._exit(1)")  # a kernel would die on it
    before = {p.name for p in Path("/tmp").glob("coursekit-sandbox-*")}
    resources = {"metadata": {"path": str(submission)}, "coursekit": {"scored": True}}
    out, res = SandboxedExecute().preprocess(nb, resources)
    assert out is nb and res is resources and nb.cells[0].outputs == []
    assert kernels.execute(SandboxedExecute(), nb, resources, "run") == (nb, resources)
    assert {p.name for p in Path("/tmp").glob("coursekit-sandbox-*")} <= before


def test_prestarted_kernel_gets_the_submission_when_taken(tmp_path):
    """With coursekit grade's kernels started ahead of need, is the next one used, seeing its own files only?"""
    boxes = []
    try:
        for student in ("ann", "bob", "cy"):
            folder = tmp_path / student
            folder.mkdir()
            (folder / f"{student}.txt").write_text(student)
            waiting = kernels.NEXT._pending[1].result(timeout=60) if kernels.NEXT._pending else None
            code = "import os; print(sorted(os.listdir('.')), os.getuid())"
            pp = SandboxedExecute(wall_seconds=30)  # one per notebook, as in split.run_kernel_side
            nb, _ = kernels.execute(pp, notebook(code), {"metadata": {"path": str(folder)}}, "run")
            listed, uid = _said(nb.cells[0]).rsplit(" ", 1)
            assert listed == f"['{student}.txt']"
            if waiting is not None:  # the kernel started ahead, in an empty box, ran this notebook
                boxes.append(waiting.box)
                assert int(uid) == waiting.box.uid or waiting.box.uid == -1  # -1: not root, uid kept
    finally:
        kernels.release()
    assert len(boxes) == 2
    assert not [b for b in boxes if b.root.exists()]  # release() waited for the used kernels to be gone


GRADE_HERE = """import sys
from nbformat.v4 import new_code_cell, new_notebook
from coursekit.grading.sandbox.execute import SandboxedExecute
nb = new_notebook(cells=[new_code_cell("import sys, os; print(sys.prefix, os.getcwd(), os.listdir('.'))")])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb, _ = SandboxedExecute(wall_seconds=60).preprocess(nb, {"metadata": {"path": sys.argv[1]}})
print("".join(o.get("text", "") + "".join(o.get("traceback", [])) for o in nb.cells[0].outputs))
"""


def test_grading_from_a_python_under_tmp(tmp_path, submission):
    """With the grader's Python in a virtual environment under /tmp, which the sandbox's own /tmp covers, does the
    kernel still find it and run?"""
    venv = Path(tempfile.mkdtemp(dir="/tmp", prefix="coursekit-venv-"))
    venv.chmod(0o755)  # as root, the kernel runs as another uid
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)
        purelib = subprocess.check_output([venv / "bin" / "python", "-c", _PURELIB], text=True).strip()
        src = Path(coursekit.__file__).resolve().parents[1]
        (Path(purelib) / "grader.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n{src}\n")
        done = subprocess.run(
            [venv / "bin" / "python", "-c", GRADE_HERE, str(submission)],
            cwd=tmp_path,  # the course: never in the sandbox, nor any folder holding it
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.stdout.strip() == f"{venv} /submission ['data.csv']", done.stdout + done.stderr[-3000:]
    finally:
        shutil.rmtree(venv, ignore_errors=True)


_PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
