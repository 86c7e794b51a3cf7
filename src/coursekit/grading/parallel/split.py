"""nbgrader's Autograde, split so that only the kernel runs on a Dask worker.

nbgrader autogrades a submission in two passes (``nbgrader/converters/autograde.py``):
sanitize (ClearOutput ... OverwriteCells, reads the gradebook), then autograde
(Execute, IgnorePattern, ClearMetadata, LimitOutput, then SaveAutoGrades and
AssignLatePenalties, which write the gradebook). We extend it at ONE point,
``Autograde._init_preprocessors`` for the autograde pass: the preprocessors before
SaveAutoGrades (the "kernel side": they touch only the notebook) are replaced by a shim
that runs those very classes, with the same config, in a Dask worker; everything else,
including every gradebook read and write, stays in nbgrader's own code in the client.
So results are nbgrader's, and the gradebook only ever has one writer.

Every kernel ``coursekit grade`` starts runs in the sandbox: nbgrader's own ``Execute`` in the
course's list becomes ``SandboxedExecute`` (sandbox.py), configured by the same ``c.Execute``
and ``c.SandboxedExecute`` settings as under plain ``nbgrader autograde``.
"""

from __future__ import annotations

import copy
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from traitlets import HasTraits
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from ..sandbox.bwrap import isolation
from ..sandbox.execute import SandboxedExecute
from ..sandbox.workspace import sweep_stale
from . import kernels
from .fastimport import without_iri_grammar

with without_iri_grammar():
    import nbformat
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import BaseConverter
    from nbgrader.preprocessors import Execute, SaveAutoGrades


@dataclass(frozen=True)
class KernelSide:
    """What a worker needs to run the kernel side: dotted class names and the loaded config."""

    classes: tuple  # dotted class names (instances from a custom config travel pickled)
    config: Config
    optimistic_validation: bool = False
    prestart: bool = True  # kernels started ahead of need (see kernels.py)
    token: str = ""  # the grading run; a kernel started ahead serves only its own run


def split_preprocessors(preprocessors: list) -> tuple[list, list]:
    """(kernel side, gradebook side) of Autograde.autograde_preprocessors, cut at SaveAutoGrades."""
    preprocessors = [import_item(pp) if isinstance(pp, str) else pp for pp in preprocessors]
    for i, pp in enumerate(preprocessors):
        if isinstance(pp, type) and issubclass(pp, SaveAutoGrades):
            return list(preprocessors[:i]), list(preprocessors[i:])
    return list(preprocessors), []


def sandboxed(preprocessors: list) -> list:
    """The kernel side with nbgrader's Execute replaced by SandboxedExecute (a subclass, so its config applies)."""
    return [SandboxedExecute if pp is Execute else pp for pp in preprocessors]


def run_kernel_side(nb, resources, spec: KernelSide):
    """Runs in the worker: nbgrader's kernel-side preprocessors, as NotebookExporter would run them."""
    exporter = NotebookExporter(config=spec.config)
    with _autograde_env():
        for item in spec.classes:
            pp = _construct(import_item(item) if isinstance(item, str) else item, exporter)
            if spec.prestart and isinstance(pp, ExecutePreprocessor):
                nb, resources = kernels.execute(pp, nb, resources, spec.token)
            else:
                nb, resources = pp(nb, resources)
            if not spec.optimistic_validation:
                nbformat.validate(nb, relax_add_props=True)  # = Exporter._validate_preprocessor
    return nb, resources


_env_lock = threading.Lock()
_env_users = [0, None]  # tasks inside _autograde_env, value before the first one


@contextmanager
def _autograde_env():
    """NBGRADER_EXECUTION=autograde, as nbgrader sets it around the autograde pass, for kernels started
    meanwhile. Counted, because a worker may run several tasks at once (nbgrader's utils.setenv is not
    thread-safe: the first task to finish would delete it under the others)."""
    with _env_lock:
        if _env_users[0] == 0:
            _env_users[1] = os.environ.get("NBGRADER_EXECUTION")
        _env_users[0] += 1
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        yield
    finally:
        with _env_lock:
            _env_users[0] -= 1
            if _env_users[0] == 0:
                if _env_users[1] is None:
                    os.environ.pop("NBGRADER_EXECUTION", None)
                else:
                    os.environ["NBGRADER_EXECUTION"] = _env_users[1]


def _construct(item, exporter):
    """What Exporter.register_preprocessor does with a class; an instance is used as it is."""
    if not isinstance(item, type):
        return item
    return item(parent=exporter) if issubclass(item, HasTraits) else item()


class RemoteKernelSide:
    """The shim preprocessor: sends the notebook to a worker and waits for the executed one.

    While it waits it gives up ``turn`` (the lock that serialises every gradebook access in the
    client), so other submissions are sanitized and saved meanwhile.
    """

    enabled = True

    def __init__(self, submit, turn: threading.Lock, spec: KernelSide, name: str, on_result=None):
        self.submit, self.turn, self.spec, self.name = submit, turn, spec, name
        self.on_result = on_result  # sees the resources that came back (a sandbox's stop reason)

    def __call__(self, nb, resources):
        future = self.submit(run_kernel_side, nb, resources, self.spec, key=self.name)
        self.turn.release()
        try:
            nb, resources = future.result()
        finally:
            self.turn.acquire()
        if self.on_result is not None:
            self.on_result(resources)
        return nb, resources

    def __repr__(self) -> str:
        return f"RemoteKernelSide({', '.join(c.rsplit('.', 1)[-1] for c in self.spec.classes)})"


class SplitAutograde(Autograde):
    """nbgrader's Autograde for one student, whose kernel side runs remotely (see module doc)."""

    def __init__(self, *, remote_factory, **kwargs):
        super().__init__(**kwargs)
        self.remote_factory = remote_factory  # (kernel-side classes, exporter) -> callable preprocessor
        self.processed = None  # False if nbgrader skipped the submission as already graded

    def init_destination(self, assignment_id: str, student_id: str) -> bool:
        self.processed = super().init_destination(assignment_id, student_id)
        return self.processed

    def convert_single_notebook(self, notebook_filename: str) -> None:
        # Autograde.convert_single_notebook without its `utils.setenv(NBGRADER_EXECUTION=...)`: that helper
        # deletes the variable on exit, which races between threads (KeyError). The variable matters only to
        # the kernel, and run_kernel_side sets it in the worker.
        self.log.info("Sanitizing %s", notebook_filename)
        self._sanitizing = True
        self._init_preprocessors()
        BaseConverter.convert_single_notebook(self, notebook_filename)

        notebook_filename = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
        self.log.info("Autograding %s", notebook_filename)
        self._sanitizing = False
        self._init_preprocessors()
        try:
            BaseConverter.convert_single_notebook(self, notebook_filename)
        finally:
            self._sanitizing = True

    def _init_preprocessors(self) -> None:
        if self._sanitizing:
            return super()._init_preprocessors()
        # The narrow extension point: same preprocessors, kernel side swapped for the shim.
        kernel_side, gradebook_side = split_preprocessors(self.autograde_preprocessors)
        self.exporter._preprocessors = []
        self.exporter.register_preprocessor(self.remote_factory(sandboxed(kernel_side), self.exporter))
        for pp in gradebook_side:
            self.exporter.register_preprocessor(pp)


def kernel_side_spec(classes: list, exporter, *, token: str, course: str, prestart: bool = True) -> KernelSide:
    """The picklable description of ``classes`` for run_kernel_side.

    The config names the ``course`` root outright: a worker runs in a folder of its own, and the
    sandbox must know which folder never to let in.
    """
    names = tuple(f"{c.__module__}.{c.__qualname__}" if isinstance(c, type) else c for c in classes)
    config = copy.deepcopy(exporter.config)
    config.CourseDirectory.root = course
    return KernelSide(names, config, bool(exporter.optimistic_validation), prestart, token)


def warm_worker(log_path: str | None, course: str) -> bool:
    """Import what run_kernel_side needs once per worker process (nbformat alone takes seconds).

    With ``log_path``, the worker's stdout/stderr (and so its kernels': they inherit them) go to that
    file instead of the grader's terminal, where they would break the progress line. Returns whether
    the worker sees the ``course`` folder (kernels run in the submissions' folders there), and the
    one-line warning if its kernels cannot be sandboxed ('' if they can).
    """
    if log_path:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    import jupyter_client.manager  # noqa: F401
    import nbclient  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401

    nbformat.validate(nbformat.v4.new_notebook())  # builds the schema validator once
    iso = isolation()  # probed once per worker, before the first kernel
    sweep_stale()  # boxes left by a worker that was killed
    return os.path.isdir(course), "" if iso.tool else iso.warning()
