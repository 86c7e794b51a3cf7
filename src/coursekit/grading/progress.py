"""The grading progress line: done, failed, rate and time left, without extra dependencies."""

from __future__ import annotations

import sys
import time


class Progress:
    """One carriage-return line on a terminal; plain lines now and then when output is a file or pipe."""

    def __init__(self, total: int, *, enabled: bool = True, stream=None, width: int = 24):
        self.total, self.enabled, self.width = total, enabled, width
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self._last_plain = -1.0
        self._shown = ""

    def line(self, done: int, failed: int, skipped: int) -> str:
        finished = done + failed + skipped
        elapsed = time.monotonic() - self.start
        worked = done + failed  # skipped submissions cost nothing and would distort the rate
        rate = worked / elapsed if elapsed > 0 and worked else 0.0
        left = self.total - finished
        eta = f"~{_duration(left / rate)} left" if rate and left else ("done" if not left else "estimating")
        filled = int(self.width * finished / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        extra = f", {skipped} skipped" if skipped else ""
        return f"grading [{bar}] {finished}/{self.total}: {done} graded, {failed} failed{extra} | {rate:.1f}/s | {eta}"

    def update(self, done: int, failed: int, skipped: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        text = self.line(done, failed, skipped)
        if self.tty:
            if text != self._shown:
                self.stream.write("\r" + text.ljust(len(self._shown)))
                self.stream.flush()
                self._shown = text
            return
        now = time.monotonic()
        if (force and text != self._shown) or now - self._last_plain >= 10:  # a log gets a line every 10 s
            self.stream.write(text + "\n")
            self.stream.flush()
            self._last_plain, self._shown = now, text

    def close(self, done: int, failed: int, skipped: int) -> None:
        if not self.enabled:
            return
        self.update(done, failed, skipped, force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
