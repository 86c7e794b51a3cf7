"""After grading: item analysis (facility, discrimination, options chosen, reliability) as text, CSV and HTML."""
