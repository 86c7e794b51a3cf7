"""Import nbformat (and so jsonschema) without a grammar build that costs seconds and Jupyter never uses.

jsonschema's format checker imports ``rfc3987_syntax`` eagerly, which compiles ~35 Lark parsers for
the ``iri``/``iri-reference`` formats at import time (2-4 s of CPU here; python-jsonschema/jsonschema
issue #1428). No Jupyter schema uses those formats, so for the grader and its workers the import is
skipped: jsonschema then simply has no checker for them. Only while jsonschema is first imported.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def without_iri_grammar():
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        yield  # already imported one way or the other: nothing to save
        return
    sys.modules["rfc3987_syntax"] = None  # makes `import rfc3987_syntax` raise ImportError, which jsonschema expects
    try:
        yield
    finally:
        if sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
