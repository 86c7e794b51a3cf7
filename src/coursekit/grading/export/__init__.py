"""The bank and the grades into an LMS: Canvas QTI, Moodle XML, and gradebook import CSVs."""
