"""nbgrader settings shared by every course command (`python -m autograder ...`).

The course keeps nbgrader's concepts under the card's names: the *source* directory is
`solutions/` and the *release* directory is `exercises/`. Grading runs in a temporary course
directory per student (see autograder/course.py), never in the repository.
"""
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "llmz"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# Released stubs: the learner sees exactly this in place of each solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell timeout, set deliberately: every graded cell is designed to finish in < 20 s on a
# 2-core CPU (`make bench` measures it); 60 s leaves room for a slow machine, and a learner's
# infinite loop is interrupted after it without stopping the rest of the notebook.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0
c.Execute.kernel_name = "llmz-grader"  # the sandboxed kernel written by autograder/course.py
# Scores come from the checker's records, written before a cell ends, so nothing is lost when
# the kernel is ended at once after the last cell; a graceful shutdown waited about 3 s per
# student for a kernel whose every call is profiled by the guard to finish exiting.
c.Execute.shutdown_kernel = "immediate"

# A learner who deletes a test cell still gets it back, and graded (its own message says so).
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = ""

# Hidden tests never reach learners: not in the released notebook, not in feedback. (The
# %%graded magic also keeps them out of tracebacks.)
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.ClearHiddenTests.enforce_metadata = False
