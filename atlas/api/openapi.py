"""What the OpenAPI document adds to django-ninja's: the /tools filters from the facet registry,
the allowed values or form of each parameter (atlas/api/params.py), and links between operations.

Clients read the links to go from a list to a record; Schemathesis follows them in its stateful
phase (tests/api/test_schemathesis.py).
"""

from __future__ import annotations

from django.utils import translation

from atlas.api.params import FORMS, MULTI, allowed_values
from atlas.catalogue.facets import FACETS

# Where a successful answer leads: link name -> (operation path, {its parameter: where to read
# the value in this answer}). Paths are relative to the API's root.
LINKS = {
    "/tools": {
        "GetTool": ("/tools/{slug}", {"slug": "$response.body#/results/0/slug"})},
    "/tools/{slug}": {
        "GetOrganisation": ("/organisations/{slug}",
                            {"slug": "$response.body#/organisations/0/slug"})},
    "/organisations": {
        "GetOrganisation": ("/organisations/{slug}", {"slug": "$response.body#/results/0/slug"})},
    "/organisations/{slug}": {
        "GetTool": ("/tools/{slug}", {"slug": "$response.body#/tools/0/slug"})},
    "/countries": {
        "ListHelplines": ("/helplines", {"country": "$response.body#/results/0/code"})},
}


def facet_parameters() -> list[dict]:
    """The /tools filter parameters, one per facet of the registry, in its order."""
    params = []
    with translation.override("en"):  # the document is in English, whatever the request's
        for f in FACETS:
            about = f.about or (f"A slug of the vocabulary `{f.vocabulary.slug}` "
                                "(/api/v1/vocabularies)." if f.vocabulary is not None
                                else f"{f.label}.")
            params.append({
                "in": "query", "name": f.param, "required": False,
                "style": "form", "explode": True, "description": f"{about} {MULTI}",
                "schema": {"type": "array", "title": str(f.label),
                           "items": {"type": "string", "enum": f.allowed}},
            })
    return params


def _constrain(path: str, parameters: list[dict]) -> None:
    """Write each parameter's allowed values (enum) or form (pattern) into its schema."""
    enums, forms = allowed_values(path), FORMS.get(path, {})
    for param in parameters:
        schema = param["schema"]
        target = schema["items"] if schema.get("type") == "array" else schema
        if param["name"] in enums:
            target["enum"] = enums[param["name"]]
        if param["name"] in forms:
            target["pattern"] = forms[param["name"]].pattern


def complete(schema: dict, root: str) -> dict:
    """Add the registry's filters, enums, patterns and links to a document whose paths start
    with `root` (`/api/v1`)."""
    paths = schema["paths"]
    for full_path, methods in paths.items():
        path = full_path.removeprefix(root)
        operation = methods["get"]
        parameters = operation.get("parameters", [])
        if path == "/tools":
            after_q = next(i for i, p in enumerate(parameters) if p["name"] == "q") + 1
            parameters[after_q:after_q] = facet_parameters()
        _constrain(path, parameters)
        links = {name: {"operationId": paths[root + target]["get"]["operationId"],
                        "parameters": values}
                 for name, (target, values) in LINKS.get(path, {}).items()}
        if links:  # ninja keys the responses by number until the document is serialised
            operation["responses"][200]["links"] = links
    return schema
