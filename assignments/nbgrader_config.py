"""nbgrader configuration of the course: this folder is the nbgrader course directory.

Run nbgrader commands from this folder (`cd assignments && nbgrader autograde treaty-years`).
The quiz notebooks in source/ are generated from bank/ by `coursekit generate`.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "korea-japan"
