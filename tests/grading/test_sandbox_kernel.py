"""SandboxedExecute and its kernel manager, driven directly on small notebooks (no gradebook)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from coursekit.grading.parallel import kernels
from coursekit.grading.sandbox.bwrap import isolation
from coursekit.grading.sandbox.execute import SandboxedExecute
from coursekit.grading.sandbox.kernel import new_manager
from coursekit.grading.sandbox.limits import Limits

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
    """Seen from outside the sandbox, is the kernel process a non-root uid, without capabilities or new privileges?"""
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
            assert status["CapEff"] == ["0000000000000000"] and status["NoNewPrivs"] == ["1"]
            assert km.transport == "ipc" and Path(km.ip).parent == km.box.ipc
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
    """Are small prints stopped once their bytes add up past the limit, keeping what fitted?"""
    said, _ = run(submission, *["print('é' * 300)"] * 4, output_bytes=1500)  # 601 bytes each
    assert said[0] == "é" * 300 + "\n" and said[1] == said[0]
    assert said[2] == "é" * 149 + "stopped: the notebook printed more than 1,500 bytes of output"
    assert said[3] == "stopped: the notebook printed more than 1,500 bytes of output; this cell did not run"


def test_disk_limit_refuses_a_large_file(submission):
    """Is a file larger than disk_mb refused, in the submission's folder and in /tmp?"""
    big = "b'0' * (3 * 1024 * 1024)"
    said, _ = run(submission, f"open('big', 'wb').write({big})", f"open('/tmp/big', 'wb').write({big})", disk_mb=2)
    assert "File too large" in said[0] and "File too large" in said[1]


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
