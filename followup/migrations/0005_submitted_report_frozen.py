"""Database triggers that keep a report's content unchanged once it has left the unit's hands
(submitted, approved or reported): its answers, actions and attachments, and its revision, cycle
and unit. Returning the report (a state change) opens it again. Like the adopted programme
text (programmes/migrations/0003), this holds for every writer, not only for the forms."""

from django.db import migrations

REPORT = "followup_report"
OPEN = "('draft', 'returned')"
MESSAGE = "submitted_report_frozen: a submitted report cannot change until it is returned"
# SQLite only (see programmes 0003): while this table has a row, the test flush may delete.
SQLITE_NOT_PURGING = "NOT EXISTS (SELECT 1 FROM programmes_frozen_purge)"
CONTENT = {
    # table: the columns that are the report's content
    "followup_answer": ("report_id", "question_id", "attainment", "text", "yes_no", "number", "date"),
    "followup_action": (
        "report_id", "what", "responsible_role_id", "starts_on", "due_on", "status", "position",
    ),
    "followup_attachment": ("report_id", "file", "original_name", "content_type", "size", "description"),
}
REPORT_FIELDS = ("revision", "cycle_id", "unit_id")


def closed(row):
    return f"(SELECT status FROM {REPORT} WHERE id = {row}.report_id) NOT IN {OPEN}"


def changed(columns, distinct):
    return "(" + " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in columns) + ")"


def postgresql_sql():
    yield f"""
    CREATE FUNCTION followup_report_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status NOT IN {OPEN} THEN
          RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN OLD;
      END IF;
      IF OLD.status NOT IN {OPEN} AND {changed(REPORT_FIELDS, "IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$;
    """
    yield (
        f"CREATE TRIGGER submitted_report_frozen BEFORE UPDATE OR DELETE ON {REPORT} "
        "FOR EACH ROW EXECUTE FUNCTION followup_report_frozen()"
    )
    for table, columns in CONTENT.items():
        yield f"""
        CREATE FUNCTION {table}_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' AND {closed("NEW")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
          END IF;
          IF TG_OP = 'UPDATE' AND ({closed("OLD")} OR {closed("NEW")})
             AND {changed(columns, "IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
          END IF;
          IF TG_OP = 'DELETE' THEN
            IF {closed("OLD")} THEN
              RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
            END IF;
            RETURN OLD;
          END IF;
          RETURN NEW;
        END $$;
        """
        yield (
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_frozen()"
        )


def sqlite_sql():
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    yield (
        f"CREATE TRIGGER submitted_report_frozen BEFORE UPDATE ON {REPORT} FOR EACH ROW "
        f"WHEN OLD.status NOT IN {OPEN} AND {changed(REPORT_FIELDS, 'IS NOT')} {raise_}"
    )
    yield (
        f"CREATE TRIGGER submitted_report_undeletable BEFORE DELETE ON {REPORT} FOR EACH ROW "
        f"WHEN OLD.status NOT IN {OPEN} AND {SQLITE_NOT_PURGING} {raise_}"
    )
    for table, columns in CONTENT.items():
        yield (
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN {closed('NEW')} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({closed('OLD')} OR {closed('NEW')}) AND {changed(columns, 'IS NOT')} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} FOR EACH ROW "
            f"WHEN {closed('OLD')} AND {SQLITE_NOT_PURGING} {raise_}"
        )


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql_sql, "sqlite": sqlite_sql}.get(vendor)
    if statements is None:
        raise RuntimeError(f"No frozen-report triggers for database vendor {vendor!r}")
    for sql in statements():
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS submitted_report_frozen ON {REPORT}")
        schema_editor.execute("DROP FUNCTION IF EXISTS followup_report_frozen()")
        for table in CONTENT:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_frozen()")
    else:
        names = ["submitted_report_frozen", "submitted_report_undeletable"]
        names += [f"{t}_frozen_{op}" for t in CONTENT for op in ("insert", "update", "delete")]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0004_report_files"),
        # After every rebuild of programmes_frozen_purge (0004 drops and recreates it).
        ("programmes", "0004_editing_history_corrections"),
    ]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
