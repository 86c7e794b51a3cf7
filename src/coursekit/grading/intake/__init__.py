"""Intake: what a student handed in, decided on and read safely before grading.

The decision (``admit``: an allow-list walked against the ``budget``, ``walk``; ``timestamp``; ``quarantine`` for
what is refused or moved aside), where it runs under nbgrader and ``coursekit grade`` (``gate``), copying what was
admitted (``copying``), safe reads (``handin``), the answers file's strict parsing (``answers_file``), the answers a
quiz notebook carries (``notebook_answers``) and the ledger; and LMS bulk downloads placed in ``submitted/``
(``lms_download``, with ``lms_names``, ``lms_match``, ``lms_place``).
"""
