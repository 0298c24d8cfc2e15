"""The frozen-report triggers of 0005 for actions, redrawn: an action's owner and application
area are its report's content too, and its status is no longer. The status of an action moves
on between cycles (Action.update_status records who, when and why); what was planned (what,
role, owner, area, dates, order) stays as submitted until the report is returned."""

import importlib

from django.db import migrations

frozen = importlib.import_module("followup.migrations.0005_submitted_report_frozen")

TABLE = "followup_action"
BEFORE = frozen.CONTENT[TABLE]
AFTER = (
    "report_id",
    "what",
    "responsible_role_id",
    "owner_id",
    "area_id",
    "starts_on",
    "due_on",
    "position",
)


def postgresql_sql(columns):
    closed, changed, message = frozen.closed, frozen.changed, frozen.MESSAGE
    yield f"""
    CREATE OR REPLACE FUNCTION {TABLE}_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND {closed("NEW")} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
      END IF;
      IF TG_OP = 'UPDATE' AND ({closed("OLD")} OR {closed("NEW")})
         AND {changed(columns, "IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
      END IF;
      IF TG_OP = 'DELETE' THEN
        IF {closed("OLD")} THEN
          RAISE EXCEPTION '{message}' USING ERRCODE = '23514';
        END IF;
        RETURN OLD;
      END IF;
      RETURN NEW;
    END $$;
    """


def sqlite_sql(columns):
    # Every trigger of the table: adding the check constraint (0008) rebuilt the table on SQLite
    # and lost them.
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{frozen.MESSAGE}'); END"
    for operation in ("insert", "update", "delete"):
        yield f"DROP TRIGGER IF EXISTS {TABLE}_frozen_{operation}"
    yield (
        f"CREATE TRIGGER {TABLE}_frozen_insert BEFORE INSERT ON {TABLE} FOR EACH ROW "
        f"WHEN {frozen.closed('NEW')} {raise_}"
    )
    yield (
        f"CREATE TRIGGER {TABLE}_frozen_delete BEFORE DELETE ON {TABLE} FOR EACH ROW "
        f"WHEN {frozen.closed('OLD')} AND {frozen.SQLITE_NOT_PURGING} {raise_}"
    )
    yield (
        f"CREATE TRIGGER {TABLE}_frozen_update BEFORE UPDATE ON {TABLE} FOR EACH ROW "
        f"WHEN ({frozen.closed('OLD')} OR {frozen.closed('NEW')}) "
        f"AND {frozen.changed(columns, 'IS NOT')} {raise_}"
    )


def redraw(columns):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": postgresql_sql, "sqlite": sqlite_sql}.get(vendor)
        if statements is None:
            raise RuntimeError(f"No frozen-report triggers for database vendor {vendor!r}")
        for sql in statements(columns):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("followup", "0008_action_owner_area_and_status_updates")]
    operations = [migrations.RunPython(redraw(AFTER), redraw(BEFORE))]
