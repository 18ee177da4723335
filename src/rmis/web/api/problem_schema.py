"""The API's refusals in its OpenAPI document: every error answer is an RFC 9457 problem
(web/api/problems.py), so the document says so, for the 422 FastAPI would describe as its own
`HTTPValidationError` and for every other error status (`default`). A client, and the
conformance check of the schemathesis tests, then read error bodies against what they are."""

from __future__ import annotations

from typing import Any

from rmis.web.api.problems import MEDIA_TYPE

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details with a stable `code` a client can act on",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string", "description": "the field at fault, where one is"},
        "errors": {
            "type": "array",
            "description": "every field at fault, when the request breaks the schema",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def _answer(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its error answers described as problems."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    for item in schema["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            if "422" in responses:
                responses["422"] = _answer("the request breaks a rule of the schema or record")
            responses["default"] = _answer("any other refusal or error")
    # FastAPI's own validation schemas are no longer named by any answer.
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema
