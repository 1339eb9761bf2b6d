"""Writes the credentials file Rasa runs with: only the channels whose variables are set.

    python -m channels.credentials credentials.yml var/credentials.yml

credentials.yml names environment variables as placeholders:

    ${VAR}             required: when VAR is unset or empty the whole channel is left out
    ${VAR:-default}    optional: when VAR is unset or empty, `default` is used instead, and a
                       value that ends up empty (`${VAR:-}`) is left out, so the channel's own
                       default applies

A channel without placeholders (rest, socketio) is always on. The file written keeps `${VAR}`
for every variable that is set (Rasa fills them in from the environment when it reads the
file), so no secret is ever written to disk. It prints which channels are on, e.g.

    channels on: rest, socketio, line; off: slack (set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
HEADER = (
    "# Written by `python -m channels.credentials` from {source}: do not edit, edit {source}.\n"
    "# Only the channels whose environment variables are set; Rasa fills in ${{VAR}} itself.\n"
)


def channel_name(key: str) -> str:
    """`channels.line.LineInput` -> `line`; built-in names stay as they are."""
    parts = key.split(".")
    return parts[-2] if len(parts) >= 2 else key


def _resolve(value: Any, env: Mapping[str, str], missing: List[str]) -> Tuple[Any, bool]:
    """The value with placeholders normalised; (value, keep). Unset required vars go to missing."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            resolved, keep = _resolve(item, env, missing)
            if keep:
                out[key] = resolved
        return out, True
    if isinstance(value, list):
        items = [_resolve(item, env, missing) for item in value]
        return [v for v, keep in items if keep], True
    if not isinstance(value, str) or "${" not in value:
        return value, True

    def substitute(match: "re.Match[str]") -> str:
        name, default = match.group(1), match.group(2)
        if env.get(name):
            return "${" + name + "}"
        if default is None:
            if name not in missing:
                missing.append(name)
            return ""
        return default

    resolved = PLACEHOLDER.sub(substitute, value)
    return resolved, resolved.strip() != ""


def active_credentials(
    config: Optional[Dict[str, Any]], env: Mapping[str, str] = os.environ
) -> Tuple[Dict[str, Any], List[str], Dict[str, List[str]]]:
    """(credentials of the channels that are on, names on, {name off: [unset variables]})."""
    active: Dict[str, Any] = {}
    on: List[str] = []
    off: Dict[str, List[str]] = {}
    for key, section in (config or {}).items():
        missing: List[str] = []
        resolved, _ = _resolve(section, env, missing)
        if missing:
            off[channel_name(key)] = missing
        else:
            active[key] = resolved
            on.append(channel_name(key))
    return active, on, off


def summary(on: List[str], off: Dict[str, List[str]]) -> str:
    text = "channels on: " + (", ".join(on) or "none")
    if off:
        text += "; off: " + ", ".join(f"{name} (set {', '.join(variables)})" for name, variables in off.items())
    return text


def write_active(source: Path, target: Path, env: Mapping[str, str] = os.environ) -> str:
    """Reads `source`, writes the active credentials to `target`, returns the summary line."""
    config = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    active, on, off = active_credentials(config, env)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(
        HEADER.format(source=source.name)
        + yaml.safe_dump(active, allow_unicode=True, sort_keys=False, default_flow_style=False),
        encoding="utf-8",
    )
    tmp.replace(target)
    return summary(on, off)


def main(argv: List[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m channels.credentials credentials.yml var/credentials.yml", file=sys.stderr)
        return 2
    print(write_active(Path(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
