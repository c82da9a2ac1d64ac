"""Row-level security for every scheme table, and the database's refusal to change a
published scheme version: the last line behind the model, queryset and service checks."""

from django.db import migrations

from organizations.rls import EnableRowLevelSecurity

PARTS = [
    "indicators_category",
    "indicators_ratergroup",
    "indicators_indicator",
    "indicators_indicatorratergroup",
    "indicators_targetoverride",
    "indicators_level",
    "indicators_adjustmentitem",
    "indicators_vetoitem",
]

LOCK_SQL = """
CREATE FUNCTION indicators_scheme_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'scheme version % is %, it cannot be deleted', OLD.id, OLD.state;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' THEN
        -- The one change a locked version accepts: published -> retired, nothing else.
        IF NOT (OLD.state = 'published' AND NEW.state = 'retired'
                AND (to_jsonb(NEW) - 'state') = (to_jsonb(OLD) - 'state')) THEN
            RAISE EXCEPTION 'scheme version % is %, it cannot be changed', OLD.id, OLD.state;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER indicators_scheme_lock BEFORE UPDATE OR DELETE ON indicators_scheme
    FOR EACH ROW EXECUTE FUNCTION indicators_scheme_lock();

CREATE FUNCTION indicators_part_lock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scheme_ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        scheme_ids := ARRAY[NEW.scheme_id];
    ELSIF TG_OP = 'DELETE' THEN
        scheme_ids := ARRAY[OLD.scheme_id];
    ELSE
        scheme_ids := ARRAY[OLD.scheme_id, NEW.scheme_id];
    END IF;
    IF EXISTS (SELECT 1 FROM indicators_scheme WHERE id = ANY(scheme_ids) AND state <> 'draft') THEN
        RAISE EXCEPTION 'scheme version is published, % on % refused', TG_OP, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;

"""

PART_TRIGGER = (
    "CREATE TRIGGER {table}_lock BEFORE INSERT OR UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION indicators_part_lock();"
)

UNLOCK_SQL = """
DROP TRIGGER IF EXISTS indicators_scheme_lock ON indicators_scheme;
{parts}
DROP FUNCTION IF EXISTS indicators_scheme_lock();
DROP FUNCTION IF EXISTS indicators_part_lock();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(LOCK_SQL, params=None)
    for table in PARTS:
        schema_editor.execute(PART_TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    parts = "\n".join(f"DROP TRIGGER IF EXISTS {t}_lock ON {t};" for t in PARTS)
    schema_editor.execute(UNLOCK_SQL.format(parts=parts), params=None)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("Scheme"),
        EnableRowLevelSecurity("Category"),
        EnableRowLevelSecurity("RaterGroup"),
        EnableRowLevelSecurity("Indicator"),
        EnableRowLevelSecurity("IndicatorRaterGroup"),
        EnableRowLevelSecurity("TargetOverride"),
        EnableRowLevelSecurity("Level"),
        EnableRowLevelSecurity("AdjustmentItem"),
        EnableRowLevelSecurity("VetoItem"),
        EnableRowLevelSecurity("SpecialIndicatorChoice"),
        migrations.RunPython(forwards, backwards),
    ]
