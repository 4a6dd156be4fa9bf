"""The JSON Schema of the design format, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

from archdesigner.model.design import FORMAT_VERSION, ID_PATTERN, Design

SCHEMA_ID = "https://archdesigner.dev/schema/design-v1.json"


def design_schema() -> dict[str, Any]:
    schema = Design.model_json_schema(mode="validation")
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"archdesigner design, format version {FORMAT_VERSION}",
    }
    out.update({k: v for k, v in schema.items() if k != "title"})
    out["description"] = (
        "An archdesigner design file (*.arch.json). Cross-references (links to existing "
        "nodes, unique ids, group parents without cycles) are checked by "
        "'archdesigner validate'; a schema cannot express them."
    )
    out["properties"]["format"] = {"const": "archdesigner.design"}
    out["properties"]["version"] = {"type": "integer", "minimum": 1, "maximum": FORMAT_VERSION}
    defs = out.get("$defs", {})
    if "Link" in defs:
        for end in ("source", "target"):
            defs["Link"]["properties"][end]["pattern"] = ID_PATTERN
    return out


def schema_text() -> str:
    return json.dumps(design_schema(), indent=2, ensure_ascii=False) + "\n"
