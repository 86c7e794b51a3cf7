"""The intake budget: how much one submission may hold before it is refused whole (``c.Intake.*`` in the course config).

The defaults fit any honest hand-in of this course (a quiz is three files; a code exercise a notebook and a few
data files) with a wide margin, and bound what one submission can cost the class. nbgrader's own listing
(``utils.find_all_files``) is quadratic in the entries of one folder: 1,000 entries cost it about 3 s here, 4,000
about 40 s, so ``max_entries`` is what bounds plain ``nbgrader autograde``. Reading and validating a notebook costs
about 1 s per MB of small cells, so ``max_notebook_bytes`` bounds the sanitize pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from traitlets import Integer
from traitlets.config import Configurable

MB = 1_000_000


@dataclass(frozen=True)
class Budget:
    """The limits one submission's folder is walked against (0 never turns one off: every limit holds)."""

    max_entries: int = 1000
    max_depth: int = 10
    max_total_bytes: int = 100 * MB
    max_file_bytes: int = 50 * MB
    max_notebook_bytes: int = 5 * MB
    max_name_length: int = 128


_HELP = {
    "max_entries": "Files and folders in one submission, at every depth (nbgrader's listing is quadratic in them).",
    "max_depth": "Folders nested inside the submission folder.",
    "max_total_bytes": "Bytes of all the submission's files together.",
    "max_file_bytes": "Bytes of any one file.",
    "max_notebook_bytes": "Bytes of one notebook nbgrader will read (reading costs about 1 s per MB of small cells).",
    "max_name_length": "Characters in one file or folder name.",
}


class Intake(Configurable):
    """What a submission may hold; one over any limit is refused whole, before nbgrader lists or copies it."""

    max_entries = Integer(Budget.max_entries, help=_HELP["max_entries"]).tag(config=True)
    max_depth = Integer(Budget.max_depth, help=_HELP["max_depth"]).tag(config=True)
    max_total_bytes = Integer(Budget.max_total_bytes, help=_HELP["max_total_bytes"]).tag(config=True)
    max_file_bytes = Integer(Budget.max_file_bytes, help=_HELP["max_file_bytes"]).tag(config=True)
    max_notebook_bytes = Integer(Budget.max_notebook_bytes, help=_HELP["max_notebook_bytes"]).tag(config=True)
    max_name_length = Integer(Budget.max_name_length, help=_HELP["max_name_length"]).tag(config=True)

    def budget(self) -> Budget:
        return Budget(**{name: max(int(getattr(self, name)), 1) for name in _HELP})


def budget_of(config=None) -> Budget:
    """The course's budget from a loaded nbgrader config (``c.Intake.*``); the defaults without one."""
    return Intake(config=config).budget() if config is not None else Budget()
