"""What runs on the grader's side: the key, scoring, nbgrader glue, parallel grading and the audit."""
