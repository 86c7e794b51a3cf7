"""Where the course's feedback template lives, for ``nbgrader_config.py`` (kept import-light on purpose).

``GenerateFeedback`` renders with nbconvert's ``HTMLExporter`` and nbgrader's template name "feedback".
Putting coursekit's folder first in ``extra_template_basedirs`` makes coursekit's ``feedback`` template the
one found; nbgrader's own template folder stays in the list, because setting the list replaces nbgrader's
default and formgrader looks up its "formgrade" template in the same list.
"""

from __future__ import annotations

import os


def template_basedirs() -> list[str]:
    """coursekit's template folder, then nbgrader's formgrader templates (found without importing nbgrader)."""
    from importlib.util import find_spec

    ours = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
    spec = find_spec("nbgrader")
    if spec is None or not spec.origin:
        return [ours]
    return [ours, os.path.join(os.path.dirname(spec.origin), "server_extensions", "formgrader", "templates")]
