"""Typed values from environment variables: the one reading of HELPDESK_* that config.py
and push/settings.py share. An empty variable counts as unset."""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def boolean(raw: str) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case; anything else is a ValueError."""
    value = raw.strip().lower()
    if value not in TRUE + FALSE:
        raise ValueError(raw)
    return value in TRUE


def read(env: Mapping[str, str], prefix: str,
         conversions: Iterable[tuple[str, Callable[[str], object]]], invalid: str) -> dict:
    """The fields of ``conversions`` ((field, convert) pairs) that ``env`` sets, as
    PREFIX + FIELD in capitals, converted. A value that does not convert is a ValueError
    with the message ``invalid``, formatted with the variable's ``name``, its ``raw`` value
    and the conversion's ``type`` name."""
    values = {}
    for key, convert in conversions:
        name = prefix + key.upper()
        raw = env.get(name)
        if raw:
            try:
                values[key] = convert(raw)
            except ValueError:
                raise ValueError(invalid.format(name=name, raw=raw,
                                                type=convert.__name__)) from None
    return values
