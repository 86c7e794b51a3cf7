"""coursekit: the course "U.S. Security Ties With Korea and Japan" as a Python package."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coursekit")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

__all__ = ["__version__"]
