"""The busiest write of the application as a PostgreSQL function: claim the card, and only
if the claim succeeded store the response and its answers. PL/pgSQL keeps the statements'
plans for the session, so a submission is neither parsed nor planned again (planning the
same writes as one statement cost as much as running them). It also sets the transaction's
tenant, from the signed token the caller has checked, which saves the public endpoint a
round trip of its own. The function runs with the caller's rights: row-level security
applies to every insert in it. SQLite has no such functions; services.rating_submit
writes through the ORM there."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION residents_rating_store(
    p_tenant bigint, p_campaign bigint, p_batch bigint, p_number integer,
    p_response uuid, p_channel varchar, p_date date, p_suggestion text,
    p_substantive boolean, p_screening varchar,
    p_answers uuid[], p_questions varchar[], p_scores smallint[]
) RETURNS boolean LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    IF p_batch IS NOT NULL THEN
        INSERT INTO residents_usedcard (tenant_id, campaign_id, batch_id, number)
        VALUES (p_tenant, p_campaign, p_batch, p_number)
        ON CONFLICT (batch_id, number) DO NOTHING;
        IF NOT FOUND THEN
            RETURN false;  -- used already: nothing is stored
        END IF;
    END IF;
    INSERT INTO residents_response
        (id, tenant_id, campaign_id, channel, submitted_on, suggestion, substantive,
         screening, hidden_reason, reply)
    VALUES (p_response, p_tenant, p_campaign, p_channel, p_date, p_suggestion, p_substantive,
            p_screening, '', '');
    INSERT INTO residents_answer (id, tenant_id, campaign_id, response_id, question, score, channel)
    SELECT a.id, p_tenant, p_campaign, p_response, a.question, a.score, p_channel
    FROM unnest(p_answers, p_questions, p_scores) AS a(id, question, score);
    RETURN true;
END
$$;
"""
DROP = "DROP FUNCTION residents_rating_store"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("residents", "0002_row_level_security")]

    operations = [migrations.RunPython(create, drop)]
