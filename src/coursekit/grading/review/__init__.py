"""Reviewing answers after grading: the typed answers a grader may want to accept or refuse, and the bank edit."""
