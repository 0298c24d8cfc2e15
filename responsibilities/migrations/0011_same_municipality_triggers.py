"""Database triggers that keep a unit's parent, and an assignment's unit and role, in the same
municipality (the forms check it too, with a readable message; these hold for every writer)."""

from django.db import migrations

UNIT = "responsibilities_organisationunit"
ROLE = "responsibilities_role"
ASSIGNMENT = "responsibilities_assignment"
PARENT = "unit_parent_same_municipality: a unit and its parent belong to one municipality"
HOLDER = "assignment_unit_same_municipality: the unit and the role of an assignment belong to one municipality"
MOVED = "OLD.municipality_id <> NEW.municipality_id"

# (trigger name, table, operations, condition on NEW/OLD, message)
RULES = [
    (
        "unit_parent_same_municipality",
        UNIT,
        ("INSERT", "UPDATE"),
        f"NEW.parent_id IS NOT NULL AND "
        f"(SELECT p.municipality_id FROM {UNIT} p WHERE p.id = NEW.parent_id) <> NEW.municipality_id",
        PARENT,
    ),
    (
        "unit_children_same_municipality",
        UNIT,
        ("UPDATE",),
        f"{MOVED} AND EXISTS (SELECT 1 FROM {UNIT} c WHERE c.parent_id = NEW.id)",
        PARENT,
    ),
    (
        "unit_assignments_same_municipality",
        UNIT,
        ("UPDATE",),
        f"{MOVED} AND EXISTS (SELECT 1 FROM {ASSIGNMENT} a WHERE a.unit_id = NEW.id)",
        HOLDER,
    ),
    (
        "role_assignments_same_municipality",
        ROLE,
        ("UPDATE",),
        f"{MOVED} AND EXISTS (SELECT 1 FROM {ASSIGNMENT} a WHERE a.role_id = NEW.id "
        f"AND a.unit_id IS NOT NULL)",
        HOLDER,
    ),
    (
        "assignment_unit_same_municipality",
        ASSIGNMENT,
        ("INSERT", "UPDATE"),
        f"NEW.unit_id IS NOT NULL AND "
        f"(SELECT u.municipality_id FROM {UNIT} u WHERE u.id = NEW.unit_id) <> "
        f"(SELECT r.municipality_id FROM {ROLE} r WHERE r.id = NEW.role_id)",
        HOLDER,
    ),
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table, operations, condition, message in RULES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF {condition} THEN
                    RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
                  END IF;
                  RETURN NEW;
                END $$;
                """
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {' OR '.join(operations)} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        elif vendor == "sqlite":
            for operation in operations:
                if operation == "INSERT" and "OLD." in condition:
                    continue
                schema_editor.execute(
                    f"CREATE TRIGGER {name}_{operation.lower()} BEFORE {operation} ON {table} "
                    f"FOR EACH ROW WHEN {condition} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
        else:
            raise RuntimeError(f"No municipality triggers for database vendor {vendor!r}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table, operations, _condition, _message in RULES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for operation in operations:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{operation.lower()}")


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0010_grant_periods")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
