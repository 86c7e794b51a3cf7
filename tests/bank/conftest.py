"""Fixtures for the bank tests: the reading's sections, the fixture banks, question factories."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from coursekit.bank.reading import load_sections
from coursekit.bank.schema import QUESTION_MODELS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOOD = FIXTURES / "good-bank" / "every-type.yaml"


@pytest.fixture(scope="session")
def sections(repo):
    """The reading's sections, as `coursekit check` compares quotes against them."""
    return load_sections(repo / "book" / "reading.md")


@pytest.fixture(scope="session")
def good_raw() -> dict:
    """The raw YAML data of the valid fixture: one question of each type, by type."""
    data = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    return {q["type"]: q for q in data["questions"]}


@pytest.fixture
def make(good_raw):
    """make(type, **changes) -> a validated question: the fixture's question of that type, changed."""

    def build(qtype: str, **changes):
        raw = {**copy.deepcopy(good_raw[qtype]), **changes}
        return QUESTION_MODELS[qtype].model_validate(raw)

    return build
