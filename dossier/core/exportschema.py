"""Small builders for the JSON Schema (draft 2020-12) of the dossier export's records.

Each section describes one record of its part of ``dossier.json`` with these
(``ExportPart.schema``); ``dossier.rapporten.export`` puts the parts together into the
``schema.json`` it ships in the ZIP. Dates are ISO 8601 (``2025-10-01``), moments ISO 8601 with
the Brussels offset (``2025-10-01T14:30:00+02:00``).
"""

from __future__ import annotations

from typing import Any


def string(description: str = "", **extra: Any) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **extra}


def choice(values, description: str = "") -> dict:
    """A code of a fixed list (a status, a kind): the values it may have."""
    return string(description, enum=[str(value) for value in values])


def date(description: str = "") -> dict:
    return string(description, format="date")


def moment(description: str = "") -> dict:
    return string(description, format="date-time")


def integer(description: str = "") -> dict:
    return {"type": "integer", **({"description": description} if description else {})}


def number(description: str = "") -> dict:
    return {"type": "number", **({"description": description} if description else {})}


def boolean(description: str = "") -> dict:
    return {"type": "boolean", **({"description": description} if description else {})}


def nullable(schema: dict) -> dict:
    """``schema`` or null (a date not set, a person not known)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return schema | {"type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict, description: str = "") -> dict:
    return {
        "type": "array",
        "items": items,
        **({"description": description} if description else {}),
    }


def record(properties: dict[str, dict], description: str = "") -> dict:
    """An object with exactly these properties, all of them present."""
    return {
        "type": "object",
        **({"description": description} if description else {}),
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def person(description: str = "") -> dict:
    """A person as the export names them: name and e-mail address (null when unknown)."""
    return nullable(
        record({"name": string(), "email": string(format="email")}, description=description)
    )


def person_of(user) -> dict | None:
    """The value of a ``person()`` property."""
    if user is None:
        return None
    return {"name": str(user), "email": user.email}
