"""Intake: what a student handed in, read safely and recorded before grading.

Hand-in reads (``handin``), quarantine, the answers file's strict parsing (``answers_file``), and the ledger.
"""
