"""What the grader's warm forkserver imports once (see autograder/warm.py). Importing this module
runs no learner code and no hidden test. The Hugging Face stack is in ``_preload_hf``, imported
as well unless the assignment being graded never imports it (``course.needs_hf``)."""
import sys

# jsonschema imports rfc3987_syntax when installed, which builds a grammar for 1.5 s; no
# notebook schema uses its IRI formats, so the grader's own processes skip it
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402,F401
import nbgrader.apps.nbgraderapp  # noqa: E402,F401
import nbgrader.apps.autogradeapp  # noqa: E402,F401
import nbgrader.converters  # noqa: E402,F401
import nbgrader.preprocessors  # noqa: E402,F401
import torch  # noqa: E402,F401

import autograder.checker_service  # noqa: E402,F401
import llmz.grading  # noqa: E402,F401
