"""The field types and the strict base that every bank model shares, and ``problem`` for a broken bank rule."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1)]


class Strict(BaseModel):
    """Unknown fields are errors (a misspelt field must not vanish), and a loaded model never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(field: str, message: str) -> PydanticCustomError:
    """A rule broken by a question; ``field`` lets `coursekit check` point at its line."""
    return PydanticCustomError("bank_rule", message, {"field": field})
