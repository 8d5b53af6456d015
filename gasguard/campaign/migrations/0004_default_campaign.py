"""Existing data keeps working: the default campaign (with its phases) is created and every existing task joins it."""
from django.db import migrations


def forwards(apps, schema_editor):
    from gasguard.campaign.defaults import ensure_default_campaign

    Campaign, Phase = apps.get_model("campaign", "Campaign"), apps.get_model("campaign", "Phase")
    campaign = ensure_default_campaign(Campaign, Phase, apps.get_model("org", "Jurisdiction"))
    apps.get_model("campaign", "Task").objects.filter(campaign=None).update(campaign=campaign)


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0003_campaign_phases_reports"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
