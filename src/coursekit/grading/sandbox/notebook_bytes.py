"""What a kernel message adds to the graded notebook, in bytes, as nbformat writes the file.

The output limit counts these bytes, never the strings alone: numbers, dictionary keys, JSON
punctuation, the indentation nbformat adds to every line, and base64 for binary widget buffers all
reach the file. nbformat writes ``json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)``
after splitting multi-line text into one string per line (nbformat/v4/nbjson.py ``writes`` and
nbformat/v4/rwbase.py ``split_lines``, nbformat 5.11.1; the rule is ported, and a test compares these
counts with what nbformat really writes). The counts are upper bounds: an output that is later
cleared or replaced still counts, and a display update counts once for every output it rewrites.
"""

from __future__ import annotations

import json

OUTPUT_DEPTH = 4  # nb -> "cells" -> cell -> "outputs" -> output: each line of an output is indented 4 spaces
WIDGET_DEPTH = 6  # nb -> metadata -> widgets -> mime type -> "state" -> model id -> its state
SPLIT_MIMES = ("application/javascript", "image/svg+xml")  # split into lines like text/* (rwbase._non_text_split_mimes)
FIELDS = {  # what nbformat.v4.output_from_msg keeps of each output message (nbformat/v4/nbbase.py)
    "stream": ("name", "text"),
    "display_data": ("data", "metadata"),
    "update_display_data": ("data", "metadata"),  # nbclient writes it as display_data into the outputs it updates
    "execute_result": ("data", "metadata", "execution_count"),
    "error": ("ename", "evalue", "traceback"),
}


def written(value, depth: int) -> int:
    """Bytes ``value`` takes in the file when it sits ``depth`` levels deep, with the separators around it."""
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": "))
    lines = text.count("\n") + 1
    # every line indented ``depth`` spaces; a line break and indent before it, a comma after it, and the
    # line break an empty list gains around its first item
    return len(text.encode("utf-8", "surrogatepass")) + depth * lines + 2 * depth + 4


def split(output: dict) -> dict:
    """``output`` with its multi-line text split into lines, as nbformat stores it (a new dict)."""
    if output.get("output_type") == "stream" and isinstance(output.get("text"), str):
        return {**output, "text": output["text"].splitlines(True)}
    data = output.get("data")
    if not isinstance(data, dict):
        return output
    lines = {k: v.splitlines(True) for k, v in data.items() if isinstance(v, str) and _splits(k)}
    return {**output, "data": {**data, **lines}}


def _splits(mime: str) -> bool:
    return mime.startswith("text/") or mime in SPLIT_MIMES


def output_bytes(output: dict) -> int:
    """Bytes one output takes in the notebook file."""
    return written(split(output), OUTPUT_DEPTH)


def message_bytes(msg: dict, *, rewritten: int = 0) -> int:
    """Bytes a kernel message may add to the notebook: its output, once more for each of the ``rewritten``
    outputs a display update replaces (at least once), and for a widget message its state and base64 buffers."""
    msg_type = msg["msg_type"]
    if msg_type.startswith("comm"):
        buffers = sum(4 * (len(b) + 2) // 3 + 64 for b in msg.get("buffers") or [])
        return written(msg["content"].get("data"), WIDGET_DEPTH) + buffers
    fields = FIELDS.get(msg_type)
    if fields is None:
        return 0
    content = msg["content"]
    output_type = "display_data" if msg_type == "update_display_data" else msg_type
    size = output_bytes({"output_type": output_type, **{f: content.get(f) for f in fields}})
    return size * max(1, rewritten + (msg_type != "update_display_data"))


def stream_head(output: dict, budget: int) -> str:
    """The longest start of a stream output's text whose output still fits in ``budget`` bytes ('' if none)."""
    text = output.get("text", "")
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if output_bytes({**output, "text": text[:mid]}) <= budget:
            low = mid
        else:
            high = mid - 1
    return text[:low]
