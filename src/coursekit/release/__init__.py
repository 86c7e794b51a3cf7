"""From bank to students: the quiz notebooks generated from the bank and their nbgrader release."""
