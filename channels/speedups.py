"""Fixes to Rasa 3.6's hot path: the project's only patches of Rasa's own code, each one function.

1. `RemoteAction._validate_action_result`. Rasa checks every action server response against a JSON
   schema with `jsonschema.validate(result, schema)`, which first validates the (constant) schema
   itself against the JSON-schema metaschema: ~55 ms of CPU per custom action with jsonschema 4.17,
   more than half of what a whole message costs (profiled: 101 ms -> 47 ms median per message with
   this fix, PostgreSQL tracker store). Replaced by the same validation against a validator built
   once: same schema, same `ValidationError` (jsonschema's best match, with Rasa's hint appended).
2. `Event.resolve_by_type`. Rasa turns every stored event back into an object by walking all
   subclasses of `Event` (and `inspect.isabstract` on each) for its type name: for every event of
   the conversation, on every message, so the walk grows with the conversation (profiled with
   `python -m bench.turns --profile`: the largest part of the growth, docs/performance.md).
   Replaced by the same lookup remembered per type name: same class, same `ValueError` for an
   unknown name, same `default` and "topic" behaviour.

Installed by channels/guard.py when Rasa loads a patient channel. Each is installed only on the
Rasa version it was written for, and only while the function it replaces is the one it was
written against (its source's SHA-256): a Rasa upgrade that changes one leaves Rasa's own code in
place (and tests/robustness/test_speedups.py fails, to be looked at).
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Text, Type

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

logger = logging.getLogger(__name__)

FOR_RASA = "3.6.21"


@dataclass(frozen=True)
class Patch:
    owner: type
    name: str
    replacement: Callable
    replaced_source_sha256: str
    static: bool = False

    @property
    def rasa_function(self) -> Callable:
        return RASA_FUNCTIONS[(self.owner, self.name)]

    def source_sha256(self) -> str:
        return hashlib.sha256(inspect.getsource(self.rasa_function).encode()).hexdigest()

    def installed(self) -> bool:
        current = self.owner.__dict__[self.name]
        return (current.__func__ if isinstance(current, staticmethod) else current) is self.replacement

    def install(self) -> bool:
        if self.installed():
            return True
        changed = self.source_sha256() != self.replaced_source_sha256
        if rasa.__version__ != FOR_RASA or changed:
            logger.warning(
                "%s.%s not patched: written for Rasa %s and the function's source then, this is Rasa %s%s",
                self.owner.__name__,
                self.name,
                FOR_RASA,
                rasa.__version__,
                " with that function changed" if changed else "",
            )
            return False
        setattr(self.owner, self.name, staticmethod(self.replacement) if self.static else self.replacement)
        return True


# --- 1. action server responses --------------------------------------------------------------

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


# --- 2. stored events back to objects ----------------------------------------------------------

_event_types: Dict[Text, Type[Event]] = {}


def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    found = _event_types.get(type_name)
    if found is None:
        found = RASA_FUNCTIONS[(Event, "resolve_by_type")](type_name, default)
        if found is not None and getattr(found, "type_name", None) == type_name and found is not default:
            _event_types[type_name] = found
    return found


# Rasa's own functions, kept before any install().
RASA_FUNCTIONS: Dict[Any, Callable] = {
    (RemoteAction, "_validate_action_result"): RemoteAction._validate_action_result,
    (Event, "resolve_by_type"): Event.resolve_by_type,
}
PATCHES = (
    Patch(
        RemoteAction,
        "_validate_action_result",
        _validate_action_result,
        "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
    ),
    Patch(
        Event,
        "resolve_by_type",
        _resolve_by_type,
        "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968",
        static=True,
    ),
)


def install() -> bool:
    """Installs every fix (idempotent); False when one is not for this Rasa version."""
    return all([patch.install() for patch in PATCHES])
