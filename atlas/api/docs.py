"""The API documentation page, rendered on the server from the OpenAPI document.

django-ninja's Swagger and Redoc pages load their scripts from a CDN, which the Atlas never does;
this page needs no JavaScript at all.
"""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


def _type_of(schema: dict) -> str:
    if "type" in schema:
        if schema["type"] == "array":
            return f"list of {_type_of(schema.get('items', {}))}"
        return schema["type"]
    if "anyOf" in schema:
        return " or ".join(_type_of(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return ""


def _values_of(schema: dict, limit: int = 30) -> list[str]:
    """The allowed values, when they are few enough to read (not the 250 country codes)."""
    values = [v for v in schema.get("enum") or schema.get("items", {}).get("enum") or [] if v]
    return values if len(values) <= limit else []


def operations(schema: dict) -> list[dict]:
    """Every operation of an OpenAPI document, in path order, ready for a template."""
    result = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type_of(p.get("schema", {})),
                       "description": p.get("description") or p.get("schema", {}).get(
                           "description", ""),
                       "values": _values_of(p.get("schema", {}))}
                      for p in op.get("parameters", [])]
            result.append({"method": method.upper(), "path": path,
                           "summary": op.get("summary", ""),
                           "description": op.get("description", ""),
                           "parameters": params,
                           "responses": sorted(op.get("responses", {}))})
    return result


class ServerRenderedDocs(DocsBase):
    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(request, "api/docs.html", {
            "api_title": schema["info"]["title"], "api_version": schema["info"]["version"],
            "operations": operations(schema),
            "openapi_url": self.get_openapi_url(api, kwargs),
            "base_url": request.build_absolute_uri("/").rstrip("/"),
        })
