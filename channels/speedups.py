"""One fix to Rasa 3.6's hot path: the project's only patch of Rasa's own code.

Rasa checks every action server response against a JSON schema with `jsonschema.validate(result,
schema)`, which first validates the (constant) schema itself against the JSON-schema metaschema:
~55 ms of CPU per custom action with jsonschema 4.17, more than half of what a whole message
costs (profiled: 101 ms -> 47 ms median per message with this fix, PostgreSQL tracker store).
Installed by channels/guard.py when Rasa loads a patient channel. `install()` replaces
`RemoteAction._validate_action_result` with the same validation against a validator built once:
same schema, same `ValidationError` (jsonschema's best match, with Rasa's hint appended), same
result. Installed only on the Rasa version it was written for, and only while the function it
replaces is the one it was written against (its source's SHA-256): a Rasa upgrade that changes it
leaves Rasa's own code in place (and tests/robustness/test_speedups.py fails, to be looked at).
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from typing import Any, Dict, Text

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

logger = logging.getLogger(__name__)

FOR_RASA = "3.6.21"
REPLACED_SOURCE_SHA256 = "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42"
RASA_FUNCTION = RemoteAction._validate_action_result  # Rasa's own, kept before any install()
_validators: Dict[Any, Any] = {}


def _validator(schema: Dict[Text, Any]) -> Any:
    from jsonschema.validators import validator_for

    key = id(type(schema)), repr(schema)
    if key not in _validators:
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validators[key] = cls(schema)
    return _validators[key]


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    from jsonschema.exceptions import best_match

    error = best_match(_validator(self.action_response_format_spec()).iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        "the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def replaced_source_sha256() -> str:
    return hashlib.sha256(inspect.getsource(RASA_FUNCTION).encode()).hexdigest()


def install() -> bool:
    """Installs the fix (idempotent); False when this Rasa version is not the one it is for."""
    if RemoteAction._validate_action_result is _validate_action_result:
        return True
    if rasa.__version__ != FOR_RASA or replaced_source_sha256() != REPLACED_SOURCE_SHA256:
        logger.warning("speedups not installed: written for Rasa %s, this is %s", FOR_RASA, rasa.__version__)
        return False
    RemoteAction._validate_action_result = _validate_action_result
    return True
