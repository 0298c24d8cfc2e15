"""A person's data for a subject access request (GDPR art. 15), see docs/personal-data.md.

Generic on purpose: every row of every model that points at the person (any foreign key to the
user model, hidden reverse relations such as audit events and history rows included) is listed,
so data added by other apps is exported without this module importing them.
"""

from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

# Never part of an export: secrets (bearer tokens, hashes), not information about the person.
SECRET_FIELDS = {"password", "token"}  # a calendar feed token reads the calendar
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "language",
    "is_active",
    "date_joined",
    "last_login",
)


def _relations(user_model):
    for field in user_model._meta.get_fields(include_hidden=True):
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one):
            yield field.related_model, field.field.name


def export(person) -> dict:
    """Everything stored about `person`, as JSON-ready data."""
    related = {}
    for model, field_name in sorted(
        _relations(type(person)), key=lambda pair: (pair[0]._meta.label, pair[1])
    ):
        rows = model._base_manager.filter(**{field_name: person}).order_by("pk")
        data = serializers.serialize("python", rows)
        if not data:
            continue
        key = f"{model._meta.label_lower}.{field_name}"
        related[key] = [
            {
                "id": row["pk"],
                **{k: v for k, v in row["fields"].items() if k not in SECRET_FIELDS},
            }
            for row in data
        ]
    return {
        "exported_at": timezone.now(),
        "system": "ale-safety",
        "person": {"id": person.pk, **{name: getattr(person, name, None) for name in USER_FIELDS}},
        "municipality": person.municipality.name if person.municipality_id else None,
        "related": related,
        "retention": {
            "audit_events_days": getattr(settings, "AUDIT_RETENTION_DAYS", None),
        },
    }


ENCODER = DjangoJSONEncoder
