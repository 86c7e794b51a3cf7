"""What a student reads after grading: each question's feedback bundle and the feedback page's template."""
