"""Grading notebooks that need a kernel: nbgrader's converter per student, kernels on Dask workers."""
