"""The sandbox tests again, as an ordinary user: most graders on a JupyterHub are not root.

As root, bubblewrap runs privileged and every kernel gets a uid and cgroups of its own; as an
ordinary user it runs in a user namespace with the grader's own uid, and memory falls to the
watchdog where no cgroup can be made. This test runs the sandbox test files under ``setpriv`` as
a throwaway uid (one no account uses) and asserts they all pass, none skipped. That user gets a
Python it can run (``unprivileged.py``), a copy of the sources and tests it owns, and its own
HOME and temp folder; all of it is removed afterwards. Run as an ordinary user already, this
test has nothing to add: that run's sandbox tests are the unprivileged pass.
"""

from __future__ import annotations

import os
import re

import pytest
from unprivileged import SANDBOX_TESTS, ordinary_user_env

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("not root: the sandbox tests of this very run already ran as an ordinary user")
    with ordinary_user_env() as env:
        yield env


def test_the_throwaway_user_is_ordinary(ordinary):
    """Does the pass really run as a uid that is not root and owns no account, with no capabilities?"""
    probe = "import os; print(os.geteuid(), os.getegid(), os.getgroups()); print(open('/proc/self/status').read())"
    done = ordinary.run([ordinary.python, "-c", probe], timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    first, status = done.stdout.split("\n", 1)
    assert first == f"{ordinary.uid} {ordinary.uid} []"
    assert re.search(r"^CapEff:\s+0+$", status, re.M) and re.search(r"^CapPrm:\s+0+$", status, re.M)


def test_sandbox_tests_pass_as_an_ordinary_user(ordinary):
    """Do all the sandbox tests (attacks, limits, kernels, parts) pass as an ordinary user, none skipped?"""
    cmd = [ordinary.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(ordinary.basetemp)]
    done = ordinary.run([*cmd, *(str(ordinary.repo / t) for t in SANDBOX_TESTS)], timeout=3000)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert re.fullmatch(r"=* ?\d+ passed(, \d+ warnings?)? in .*", summary), summary  # no failure, error or skip
