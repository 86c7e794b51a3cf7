"""Grading kernels in a sandbox (bubblewrap): a throwaway copy of the submission, no course, no network, limits."""

from .execute import SandboxedExecute

__all__ = ["SandboxedExecute"]
