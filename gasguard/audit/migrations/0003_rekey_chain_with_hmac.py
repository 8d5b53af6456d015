"""Once: the existing chain (plain SHA-256) is checked and re-hashed with the HMAC key (settings.AUDIT_HMAC_KEY).
A chain already broken stops the migration, naming the record: re-keying must never launder an edit."""
from django.db import migrations


def rekey(apps, schema_editor):
    from gasguard.audit.services import rekey_legacy

    rekey_legacy(apps.get_model("audit", "AuditRecord"), apps.get_model("audit", "AuditHead"))


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
