"""The OpenAPI 3.1 document, built from what each API module describes next to its routes."""

from __future__ import annotations

from flask import jsonify

from app.api import bp

PATHS: dict[str, dict] = {}


def describe(path: str, method: str, summary: str, responses: dict | None = None, **operation) -> None:
    """Record one operation; `path` uses OpenAPI's `{id}` form."""
    operation = {"summary": summary, "responses": responses or {"200": {"description": "OK"}}, **operation}
    operation["responses"].setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
    PATHS.setdefault(path, {})[method.lower()] = operation


def id_parameter(name: str = "id") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def list_parameters(*filters: str) -> list[dict]:
    names = ("limit", "cursor", *filters)
    return [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}} for name in names]


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Conversa API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(PATHS.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Unauthorized": {"description": "Missing or unknown token"},
                "NotFound": {"description": "No such id in this workspace"},
            },
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"}}}},
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(document())
