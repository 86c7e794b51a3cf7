"""Scoring: one pure function per question type (``rules``), and the key on the grader's side (``key``)."""
