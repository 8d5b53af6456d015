"""PostgreSQL: a change to a user's access (active flag, role, unit) or to an API token — however it is made: the
ORM, a queryset .update(), raw SQL — sends NOTIFY gasguard_auth with the user's id when it commits, so that every
worker process drops its cached token → user entries at once (cylinders/api/auth.py). Nothing on SQLite."""
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION gasguard_auth_changed() RETURNS trigger AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('gasguard_auth', '*');
    ELSIF TG_TABLE_NAME = 'authtoken_token' THEN
        PERFORM pg_notify('gasguard_auth', COALESCE(NEW.user_id, OLD.user_id)::text);
    ELSE
        PERFORM pg_notify('gasguard_auth', COALESCE(NEW.id, OLD.id)::text);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER gasguard_auth_user_changed AFTER UPDATE OF is_active, role, enterprise_id, department_id,
    jurisdiction_id OR DELETE ON org_user FOR EACH ROW EXECUTE FUNCTION gasguard_auth_changed();
CREATE TRIGGER gasguard_auth_user_truncated AFTER TRUNCATE ON org_user
    FOR EACH STATEMENT EXECUTE FUNCTION gasguard_auth_changed();
CREATE TRIGGER gasguard_auth_token_changed AFTER INSERT OR UPDATE OR DELETE ON authtoken_token
    FOR EACH ROW EXECUTE FUNCTION gasguard_auth_changed();
CREATE TRIGGER gasguard_auth_token_truncated AFTER TRUNCATE ON authtoken_token
    FOR EACH STATEMENT EXECUTE FUNCTION gasguard_auth_changed();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS gasguard_auth_user_changed ON org_user;
DROP TRIGGER IF EXISTS gasguard_auth_user_truncated ON org_user;
DROP TRIGGER IF EXISTS gasguard_auth_token_changed ON authtoken_token;
DROP TRIGGER IF EXISTS gasguard_auth_token_truncated ON authtoken_token;
DROP FUNCTION IF EXISTS gasguard_auth_changed();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("cylinders", "0003_sale_site_and_ysp118"),
        ("org", "0002_jurisdiction_outline"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
