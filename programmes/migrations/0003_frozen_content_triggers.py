"""Database triggers that keep an adopted or superseded version, and its content, unchanged.

Adoption-record fields (date, §, Dnr, validity, revision due) may still be corrected; the text,
its sections, items and related documents may not, and such a version cannot be deleted.
"""

from django.db import migrations

VERSION = "programmes_programmeversion"
CHILDREN = {
    # table: SQL giving the version id from a row alias (OLD/NEW)
    "programmes_section": "{row}.version_id",
    "programmes_relateddocument": "{row}.version_id",
    "programmes_sectionitem": "(SELECT version_id FROM programmes_section WHERE id = {row}.section_id)",
}
FROZEN_FIELDS = ("title", "subtitle", "number_sections", "programme_id", "number")
MESSAGE = "adopted_version_frozen: an adopted or superseded version cannot change"
# SQLite only: while this table has a row, frozen rows may be deleted. The test suite's flush
# sets it inside its transaction (PostgreSQL's TRUNCATE does not fire row triggers).
SQLITE_PURGE_TABLE = "programmes_frozen_purge"
SQLITE_NOT_PURGING = f"NOT EXISTS (SELECT 1 FROM {SQLITE_PURGE_TABLE})"


def _version_changed(distinct: str) -> str:
    changed = " OR ".join(f"NEW.{f} {distinct} OLD.{f}" for f in FROZEN_FIELDS)
    return (
        "OLD.status <> 'draft' AND (NEW.status = 'draft' "
        "OR (OLD.status = 'superseded' AND NEW.status = 'adopted') OR " + changed + ")"
    )


def postgresql_sql():
    yield f"""
    CREATE FUNCTION programmes_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
          RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN OLD;
      END IF;
      IF {_version_changed("IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$;
    """
    yield f"""
    CREATE TRIGGER adopted_version_frozen BEFORE UPDATE OR DELETE ON {VERSION}
    FOR EACH ROW EXECUTE FUNCTION programmes_version_frozen();
    """
    yield f"""
    CREATE FUNCTION programmes_assert_draft(vid bigint) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM {VERSION} v WHERE v.id = vid AND v.status <> 'draft') THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
      END IF;
    END $$;
    """
    for table, version_of in CHILDREN.items():
        yield f"""
        CREATE FUNCTION {table}_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM programmes_assert_draft({version_of.format(row="OLD")});
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM programmes_assert_draft({version_of.format(row="NEW")});
            RETURN NEW;
          END IF;
          RETURN OLD;
        END $$;
        """
        yield f"""
        CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_frozen();
        """


def sqlite_sql():
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    yield f"CREATE TABLE {SQLITE_PURGE_TABLE} (active INTEGER NOT NULL)"
    yield (
        f"CREATE TRIGGER adopted_version_frozen BEFORE UPDATE ON {VERSION} FOR EACH ROW "
        f"WHEN {_version_changed('IS NOT')} {raise_}"
    )
    yield (
        f"CREATE TRIGGER adopted_version_undeletable BEFORE DELETE ON {VERSION} FOR EACH ROW "
        f"WHEN OLD.status <> 'draft' AND {SQLITE_NOT_PURGING} {raise_}"
    )

    def not_draft(row, table):
        return f"(SELECT status FROM {VERSION} WHERE id = {CHILDREN[table].format(row=row)}) <> 'draft'"

    for table in CHILDREN:
        yield (
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN {not_draft('NEW', table)} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN {not_draft('OLD', table)} OR {not_draft('NEW', table)} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} FOR EACH ROW "
            f"WHEN {not_draft('OLD', table)} AND {SQLITE_NOT_PURGING} {raise_}"
        )


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql_sql, "sqlite": sqlite_sql}.get(vendor)
    if statements is None:
        raise RuntimeError(f"No frozen-content triggers for database vendor {vendor!r}")
    for sql in statements():
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS adopted_version_frozen ON {VERSION}")
        schema_editor.execute("DROP FUNCTION IF EXISTS programmes_version_frozen()")
        for table in CHILDREN:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_frozen()")
        schema_editor.execute("DROP FUNCTION IF EXISTS programmes_assert_draft(bigint)")
    else:
        names = ["adopted_version_frozen", "adopted_version_undeletable"]
        names += [f"{t}_frozen_{op}" for t in CHILDREN for op in ("insert", "update", "delete")]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {SQLITE_PURGE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
