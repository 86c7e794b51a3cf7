"""The output limit's unit: the bytes a kernel message adds to the graded notebook, checked against nbformat.

nbformat is the code that writes the graded notebook, so its own ``writes`` is the judge: for any
output Hypothesis makes up (text with any characters and line breaks, JSON with numbers and long
keys, images, errors), the count must never be smaller than what nbformat really writes, and only
a few bytes larger.
"""

from __future__ import annotations

import nbformat
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook, new_output

from coursekit.grading.sandbox.notebook_bytes import message_bytes, output_bytes, stream_head

SLACK = 16  # the count may exceed nbformat's bytes by the separators it assumes around each output

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)  # what a kernel can send as UTF-8
lines = st.lists(st.sampled_from(["", "a", "é", "\n", "\r\n", '"', "\\", "\t", "\x00", "𝄞"]), max_size=60).map("".join)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(text, inner, max_size=5)
)
TEXT_MIMES = ["text/plain", "text/html", "text/latex", "image/png", "image/svg+xml", "application/javascript"]
bundles = st.dictionaries(st.sampled_from(TEXT_MIMES), text | lines, max_size=4).flatmap(
    lambda b: st.dictionaries(
        st.sampled_from(["application/json", "application/vnd.x+json"]), json_values, max_size=2
    ).map(lambda j: {**b, **j})
)
outputs = st.one_of(
    st.builds(lambda n, t: new_output("stream", name=n, text=t), st.sampled_from(["stdout", "stderr"]), text | lines),
    st.builds(lambda d, m: new_output("display_data", data=d, metadata=m), bundles, st.dictionaries(text, json_values)),
    st.builds(lambda d, n: new_output("execute_result", data=d, execution_count=n), bundles, st.integers(1, 10**6)),
    st.builds(lambda e, v, t: new_output("error", ename=e, evalue=v, traceback=t), text, text, st.lists(text)),
)


def _file_bytes(outs: list) -> int:
    nb = new_notebook(cells=[new_code_cell("print(1)", outputs=list(outs))])
    return len(nbformat.writes(nb).encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.lists(outputs, min_size=1, max_size=4))
def test_each_output_is_counted_as_nbformat_writes_it(outs):
    """Is every output counted at least as large as nbformat makes the notebook grow by it, and at most a few bytes
    more?"""
    for i, out in enumerate(outs):
        grown = _file_bytes(outs[: i + 1]) - _file_bytes(outs[:i])
        assert grown <= output_bytes(out) <= grown + SLACK, out


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(text, st.integers(), min_size=1, max_size=50))
def test_numbers_and_keys_count(data):
    """Does JSON output count its keys, numbers and punctuation, which a count of its strings alone would miss?"""
    msg = {"msg_type": "display_data", "content": {"data": {"application/json": data}, "metadata": {}}}
    strings = sum(len(k.encode("utf-8", "surrogatepass")) for k in data)
    assert message_bytes(msg) > strings + sum(len(str(v)) for v in data.values())


def test_a_display_update_counts_once_per_output_it_rewrites():
    """Does one update of a display shown in 1,000 outputs count 1,000 times (it rewrites each of them)?"""
    content = {"data": {"text/plain": "u" * 500}, "metadata": {}, "transient": {"display_id": "d"}}
    one = message_bytes({"msg_type": "update_display_data", "content": content}, rewritten=1)
    assert message_bytes({"msg_type": "update_display_data", "content": content}, rewritten=1000) == 1000 * one
    assert message_bytes({"msg_type": "update_display_data", "content": content}, rewritten=0) == one
    assert message_bytes({"msg_type": "display_data", "content": content}, rewritten=2) == 3 * one


def test_widget_state_and_buffers_count():
    """Do widget messages count their state and their binary buffers as the base64 nbclient stores?"""
    msg = {"msg_type": "comm_msg", "content": {"data": {"state": {"value": 1}}}, "buffers": [b"\0" * 3000]}
    assert message_bytes(msg) >= 4000


@settings(max_examples=100, deadline=None)
@given(text | lines, st.integers(0, 2000))
def test_a_cut_stream_fits_its_budget(printed, budget):
    """Is the start of a stream kept on a cut the longest one that fits the bytes left?"""
    out = {"output_type": "stream", "name": "stdout", "text": printed}
    head = stream_head(out, budget)
    assert printed.startswith(head)
    assert head == "" or output_bytes({**out, "text": head}) <= budget
    if head != printed:
        assert output_bytes({**out, "text": printed[: len(head) + 1]}) > budget


MESSAGE_TYPES = ["stream", "display_data", "update_display_data", "execute_result", "error", "comm_open", "comm_msg"]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MESSAGE_TYPES), st.dictionaries(st.sampled_from(["text", "data", "metadata", "name", "ename",
       "evalue", "traceback", "transient", "execution_count"]) | text, json_values), st.integers(0, 5))  # fmt: skip
def test_any_message_a_kernel_makes_up_is_counted_without_error(msg_type, content, rewritten):
    """Does a message a student crafts in their kernel, with any JSON in any field, get a count (never an error)?"""
    assert message_bytes({"msg_type": msg_type, "content": content}, rewritten=rewritten) >= 0
