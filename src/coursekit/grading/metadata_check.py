"""nbgrader's CheckCellMetadata with its JSON schema compiled once, for the course config.

nbgrader validates every cell's nbgrader metadata with ``jsonschema.validate(meta, schema)``
(``nbgrader/nbgraderformat/common.py``), which re-checks the schema itself each time: about 35 ms per
notebook, twice per submission, the largest single cost of autograding a quiz. This is the same check
(same schema, same version rules, same errors, and every v3 rule, which still runs in nbgrader's
``MetadataValidatorV3``) with the schema's validator built once per process.
"""

from __future__ import annotations

import traceback
from functools import cache

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import CheckCellMetadata


class _CompiledSchema(BaseMetadataValidator):
    """BaseMetadataValidator.validate_cell, with the schema validated once instead of for every cell."""

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)  # fmt: skip
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)  # fmt: skip
        error = best_match(_compiled(self).iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidatorV3, _CompiledSchema):
    """nbgrader's v3 rules; its call to the base class's check lands in _CompiledSchema (method resolution order)."""


_COMPILED: dict = {}  # schema version -> jsonschema validator


def _compiled(validator: BaseMetadataValidator):
    if validator.schema_version not in _COMPILED:
        cls = validator_for(validator.schema)
        cls.check_schema(validator.schema)
        _COMPILED[validator.schema_version] = cls(validator.schema)
    return _COMPILED[validator.schema_version]


@cache
def _validator() -> CompiledMetadataValidator:
    return CompiledMetadataValidator()


class CheckCellMetadataOnce(CheckCellMetadata):
    """CheckCellMetadata (nbgrader/preprocessors/checkcellmetadata.py) with the compiled schema."""

    def preprocess(self, nb, resources):
        try:
            _validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources
