"""A response field that holds one of a fixed set of values (a status, a kind, a category…) says
which values in the OpenAPI document (`enum`), so a client sees them without reading the code."""

from typing import Any

import qixin.api

CHOICE_NAMES = {"status", "kind", "category", "stage", "moderation", "level", "employment_status"}

# Response fields of those names that hold free text, not a choice; each says why.
FREE_TEXT = {
    ("PersonOut", "category"): "正式党员、预备党员, or 群众 for who is not a member (no Category value)",
    ("PersonDetailOut", "category"): "as PersonOut",
    ("MeetingOut", "kind"): "the code of a MeetingKind row, which each organization may add",
    ("MeetingDetailOut", "kind"): "as MeetingOut",
    ("RecognitionOut", "kind"): "display_kind: the custom kind's own text when the kind is 其他",
    ("MobilizeTeamOut", "kind"): "display_kind: the custom kind's own text when the kind is 其他",
    ("CheckinOut", "status"): "to do: an attendance status or a check-in outcome, to be typed",
    ("RuleCellOut", "kind"): "to do: a rule key of organizational life, to be typed",
    ("LapseMemberOut", "level"): "to do: 预警 or 严重, to be a Literal",
}


def has_enum(prop: dict[str, Any], components: dict[str, Any]) -> bool:
    if "enum" in prop:
        return True
    if "$ref" in prop:
        return has_enum(components[prop["$ref"].rsplit("/", 1)[1]], components)
    return any(has_enum(p, components) for p in prop.get("allOf", []) + prop.get("anyOf", []))


def choice_fields() -> dict[tuple[str, str], dict[str, Any]]:
    components = qixin.api.api.get_openapi_schema()["components"]["schemas"]
    return {
        (name, field): prop
        for name, schema in components.items()
        if name.endswith(("Out", "Ref"))
        for field, prop in (schema.get("properties") or {}).items()
        if field in CHOICE_NAMES
    }


def test_response_fields_holding_a_choice_list_its_values():
    components = qixin.api.api.get_openapi_schema()["components"]["schemas"]
    fields = choice_fields()
    missing = sorted(
        key for key, prop in fields.items() if key not in FREE_TEXT and not has_enum(prop, components)
    )
    assert missing == []
    assert len(fields) > 30


def test_the_free_text_list_is_exact():
    """An entry left here after its field is typed (or removed) would hide a regression."""
    components = qixin.api.api.get_openapi_schema()["components"]["schemas"]
    fields = choice_fields()
    assert {key for key in FREE_TEXT if key in fields and not has_enum(fields[key], components)} == set(
        FREE_TEXT
    )


def test_an_enum_lists_the_model_values():
    from qixin.care.models import TicketStatus

    components = qixin.api.api.get_openapi_schema()["components"]["schemas"]
    assert has_enum(components["TicketOut"]["properties"]["status"], components)
    ref = components["TicketOut"]["properties"]["status"]["$ref"].rsplit("/", 1)[1]
    assert components[ref]["enum"] == list(TicketStatus.values)
