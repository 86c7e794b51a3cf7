"""The grading progress line, on a terminal and in a log (no cluster needed)."""

from __future__ import annotations

import io

from coursekit.grading.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_line_is_rewritten_in_place_with_counts_and_time_left():
    """On a terminal, does one line update in place with done, failed and an estimate of the time left?"""
    out = _Terminal()
    bar = Progress(10, stream=out)
    bar.start -= 10  # ten seconds in
    bar.update(4, 1, 0)
    bar.close(8, 2, 0)
    text = out.getvalue()
    assert text.startswith("\rgrading [") and "\r" in text[1:] and text.endswith("\n")
    assert "5/10: 4 graded, 1 failed" in text and "0.5/s" in text and "~10 s left" in text
    assert "10/10: 8 graded, 2 failed" in text and "done" in text


def test_log_gets_plain_lines_not_carriage_returns():
    """When output goes to a file or pipe, are there plain lines (no \\r) and no duplicate final line?"""
    out = io.StringIO()
    bar = Progress(3, stream=out)
    bar.update(0, 0, 0)
    bar.update(1, 0, 0)  # within 10 s of the last line: not written
    bar.close(2, 0, 1)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 2 and lines[-1].endswith("done") and "1 skipped" in lines[-1]


def test_quiet_writes_nothing():
    """Does --quiet (progress off) keep the output clean?"""
    out = _Terminal()
    bar = Progress(3, enabled=False, stream=out)
    bar.update(1, 0, 0)
    bar.close(3, 0, 0)
    assert out.getvalue() == ""
