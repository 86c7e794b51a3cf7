"""nbgrader configuration of the course: this folder is the nbgrader course directory.

Run nbgrader commands from this folder (`cd assignments && nbgrader autograde treaty-years`).
The quiz notebooks in source/ are generated from bank/ by `coursekit generate`.

coursekit plugs into nbgrader's own configurable steps (see coursekit/grading/nbgrader_steps.py), so
plain `nbgrader autograde` and `coursekit grade` give the same grades: a quiz notebook is never run;
its answers file, as handed in, is recorded and scored in nbgrader's own process, where the key is.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "korea-japan"

STEPS = "coursekit.grading.nbgrader_steps"
# Intake decides each submission right after nbgrader lists them, before it reads anything inside one: a submission
# over budget is refused whole (moved to .coursekit/quarantine/, graded not at all, one line in the log); links,
# FIFOs, devices and hard links are moved aside. nbgrader's exporter is the one configurable step at that point.
c.Autograde.exporter_class = "coursekit.grading.intake.gate.IntakeFirst"
c.Autograde.pre_convert_hook = f"{STEPS}.before_autograde"  # intake's second look; unreadable quiz notebooks
# What one submission may hold (these are the defaults; see "Intake" in the instructor guide).
c.Intake.max_entries = 1000  # files and folders, at every depth
c.Intake.max_depth = 10  # folders inside folders
c.Intake.max_total_bytes = 100_000_000
c.Intake.max_file_bytes = 50_000_000
c.Intake.max_notebook_bytes = 5_000_000  # a notebook nbgrader reads
c.Intake.max_name_length = 128  # characters in one name
c.Autograde.sanitize_preprocessors = [
    f"{STEPS}.QuizSubmission",  # records the answers file in the ledger; rebuilds a quiz notebook from source/
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "coursekit.grading.metadata_check.CheckCellMetadataOnce",  # nbgrader's check, its schema compiled once
]
c.Autograde.autograde_preprocessors = [
    f"{STEPS}.QuizScores",  # scores a quiz notebook from the ledger, with the key, here: no kernel
    # Other notebooks (code exercises) run in a kernel inside a sandbox: a throwaway copy of the submission, no
    # view of the course, no network, an unprivileged user, and limits (see c.SandboxedExecute below).
    "coursekit.grading.sandbox.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "coursekit.grading.metadata_check.CheckCellMetadataOnce",
]
# nbconvert checks the notebook against its schema once, after the last step, instead of after every step (about
# 3 % faster autograding here; a step that broke the notebook is still caught before the notebook is written).
c.Exporter.optimistic_validation = True
# The sandbox's limits per notebook (0 turns one off); these are the defaults.
c.SandboxedExecute.wall_seconds = 120
c.SandboxedExecute.memory_mb = 2048
c.SandboxedExecute.output_bytes = 2 * 1024 * 1024
c.SandboxedExecute.max_processes = 64
# Feedback pages (`nbgrader generate_feedback` and formgrader's button): coursekit's "feedback" template, made for
# students (total first, every question with its number and final score, no code, no grade ids, nothing loaded from
# elsewhere), fed by FeedbackPage after nbgrader's GetGrades.
from coursekit.grading.feedback.template import template_basedirs  # noqa: E402

c.HTMLExporter.extra_template_basedirs = template_basedirs()
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "coursekit.grading.feedback.page.FeedbackPage",
]
# Only the feedback pages are released to students, never a file found beside the notebook.
c.GenerateFeedback.post_convert_hook = f"{STEPS}.after_feedback"
# Student text is inert wherever a person reads it. Written answers become inert HTML when the graded notebook is
# rebuilt (coursekit/grading/intake/student_text.py). As a second line, nbconvert's own sanitizer (bleach) cleans
# every Markdown cell and every HTML output before formgrader or a feedback page renders it, keeping the tags below
# and escaping the rest (so a grader sees what was tried). Other rich outputs (JavaScript, SVG, widgets, and Markdown,
# whose links bleach cannot see) are dropped; their text/plain stays.
# It is a preprocessor of the exporter rather than HTMLExporter.sanitize_html, because that setting escapes <p> and
# tables in every output and never reaches formgrader's answer cells (its "formgrade" template renders Markdown
# cells without it). Formgrader reads this file when Jupyter is started from this folder.
c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.sanitize.SanitizeHTML"]
c.SanitizeHTML.tags = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
                       "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "samp",
                       "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
                       "ul"]  # fmt: skip
c.SanitizeHTML.attributes = {"*": ["class", "title", "aria-hidden", "aria-label"], "a": ["href", "title", "rel"],
                             "ol": ["start"], "th": ["scope", "colspan", "rowspan"], "td": ["colspan", "rowspan"]}  # fmt: skip
c.SanitizeHTML.sanitized_output_types = {"text/html"}
