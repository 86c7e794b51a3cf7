"""`coursekit regrade`: every ledgered submission re-scored with the bank as it is now, the differences shown, then
applied through nbgrader's gradebook and the graded notebooks (``plan.py`` decides, ``apply.py`` writes)."""
