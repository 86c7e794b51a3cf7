"""The Canvas export validated against the published QTI 1.2.1 DTD (IMS, 2003).

No registry package installs the QTI 1.2 schema, but the sdist of pyslet on PyPI ships IMS's DTD
in its test data; it is fetched with pip, once per test session, and never vendored here.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile

import pytest
from lxml import etree
from test_export_bank import _sources

from coursekit.grading.export.qti import canvas_package

pytestmark = pytest.mark.slow
PYSLET = "pyslet==0.7.20170805"
DTD_PATH = "unittests/data_imsqtiv1p2p1/ims_qtiasiv1p2p1.dtd"


@pytest.fixture(scope="session")
def qti_dtd(tmp_path_factory) -> etree.DTD:
    folder = tmp_path_factory.mktemp("pyslet")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", PYSLET, "-d", str(folder)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"could not fetch the QTI DTD from PyPI ({PYSLET}):\n{done.stderr[-1500:]}")
    (sdist,) = folder.glob("pyslet-*.tar.gz")
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(DTD_PATH))
        return etree.DTD(io.BytesIO(tar.extractfile(member).read()))


def _without_namespaces(data: bytes):
    """The assessment as the DTD sees it: a DTD knows no XML namespaces, so they are dropped."""
    root = etree.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]
    for name in list(root.attrib):
        del root.attrib[name]
    etree.cleanup_namespaces(root)
    return root


def test_canvas_packages_are_valid_qti(qti_dtd, repo):
    """Is every exported assessment (all types, matching items written by hand included) valid QTI 1.2.1?"""
    for source in _sources(repo):
        package, _ = canvas_package(source.title, "description", source.questions)
        zf = zipfile.ZipFile(io.BytesIO(package))
        (name,) = [n for n in zf.namelist() if n.count("/") == 1 and n.split("/")[1] == n.split("/")[0] + ".xml"]
        root = _without_namespaces(zf.read(name))
        assert qti_dtd.validate(root), (source.name, str(qti_dtd.error_log.filter_from_errors()[:5]))
