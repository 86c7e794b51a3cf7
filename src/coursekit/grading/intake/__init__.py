"""Intake: what a student handed in, read safely and recorded before grading.

Hand-in reads (``handin``), quarantine, the answers file's strict parsing (``answers_file``), the answers a quiz
notebook carries (``notebook_answers``), and the ledger; and LMS bulk downloads placed in ``submitted/``
(``lms_download``, with ``lms_names``, ``lms_match``, ``lms_place``).
"""
