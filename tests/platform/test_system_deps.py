"""tools/system-deps, the step of `make test` that installs Chromium, bubblewrap and PostgreSQL on a fresh machine.

The packages are installed on this machine already and must stay installed, so the fresh-machine paths run
the real script with a PATH on which the programs are missing and `id`, `apt-get` and `python` are stand-ins
that record how they were called.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "system-deps"
TOOLS = ("mktemp", "tail", "rm", "sed", "cat")  # what the script itself runs besides the programs it looks for
RECORDER = '#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {code}\n'


def stub(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(body)
    (folder / name).chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH with none of the programs; ``run(uid=..., apt=..., python=..., present=...)`` runs the script."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in TOOLS:
        os.symlink(shutil.which(tool), bin_dir / tool)

    def run(*args, uid=0, apt=True, python=None, present=()):
        stub(bin_dir, "id", f"#!/bin/sh\necho {uid}\n")
        if apt:
            stub(bin_dir, "apt-get", RECORDER.format(name="apt-get", log=log, code=0))
        for program in present:
            stub(bin_dir, program, "#!/bin/sh\nexit 0\n")
        env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "COURSEKIT_PG_ROOT": str(tmp_path / "pg")}
        if python is not None:
            stub(bin_dir, "python", RECORDER.format(name="python", log=log, code=python))
            env["PYTHON"] = str(bin_dir / "python")
        done = subprocess.run(["/bin/bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)
        calls = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return done, calls

    run.tmp = tmp_path
    return run


def test_root_with_apt_installs_all_three_debian_packages(machine):
    """As root on a fresh Debian, does it run apt-get update, then install chromium, bubblewrap and postgresql?"""
    done, calls = machine()
    assert done.returncode == 0, done.stdout + done.stderr
    assert calls == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends chromium bubblewrap postgresql",
    ]
    assert done.stdout.splitlines() == [
        "==> installing with apt-get: chromium bubblewrap postgresql (a minute or two the first time)"
    ]


def test_only_what_is_missing_is_installed(machine):
    """With Chromium and PostgreSQL's initdb (Debian's folder, not on PATH) present, is only bubblewrap installed?"""
    initdb = machine.tmp / "pg" / "15" / "bin" / "initdb"
    initdb.parent.mkdir(parents=True)
    stub(initdb.parent, "initdb", "#!/bin/sh\n")
    done, calls = machine(present=("chromium",))
    assert done.returncode == 0
    assert calls[-1] == "apt-get install -y -qq --no-install-recommends bubblewrap"


def test_second_run_changes_nothing(machine):
    """With everything present, does it say so in one line and call neither apt-get nor Playwright?"""
    done, calls = machine(present=("chromium", "bwrap", "initdb"), python=0)
    assert done.returncode == 0 and calls == []
    assert done.stdout.strip() == "==> system programs present: chromium bubblewrap postgresql"


def test_print_changes_nothing(machine):
    """Does --print list the commands it would run without running them?"""
    done, calls = machine("--print")
    assert done.returncode == 0 and calls == []
    assert "would run: apt-get install -y -qq --no-install-recommends chromium bubblewrap postgresql" in done.stdout


def test_not_root_gets_playwrights_chromium_and_one_line_for_the_rest(machine):
    """Without root, is Chromium downloaded by Playwright, and bubblewrap and PostgreSQL named in one line (exit 1)?"""
    done, calls = machine(uid=1000, python=0)
    assert calls == ["python -m playwright install chromium"]
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("system-deps: missing bubblewrap postgresql: install them as root")
    assert "sudo apt-get install bubblewrap postgresql" in last


def test_no_apt_and_no_download_says_what_to_install(machine):
    """Without apt-get and with Playwright's download failing, is the one line clear about Chromium too?"""
    done, calls = machine("chromium", apt=False, python=1)
    assert calls == ["python -m playwright install chromium"]
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("system-deps: missing chromium: install them as root")
    assert "COURSEKIT_CHROMIUM" in done.stdout


def test_a_failed_apt_install_shows_its_output_and_fails(machine, tmp_path):
    """If apt-get fails, does the script stop with exit 1 and show apt's own last lines?"""
    stub(tmp_path / "bin", "apt-get", "#!/bin/sh\necho 'E: Unable to locate package bubblewrap'\nexit 100\n")
    done, _ = machine("bubblewrap", apt=False)
    assert done.returncode == 1
    assert "E: Unable to locate package bubblewrap" in done.stdout


def test_this_machine_has_everything_after_make_test():
    """After `make test`'s set-up, does the real script find Chromium, bubblewrap and PostgreSQL here?"""
    done = subprocess.run([str(SCRIPT), "--print"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == "==> system programs present: chromium bubblewrap postgresql"
