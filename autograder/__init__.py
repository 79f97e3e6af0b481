"""The course's instructor tooling: release, validate, grade, benchmark (``python -m autograder``)."""
