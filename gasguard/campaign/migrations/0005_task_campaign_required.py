"""Every task belongs to a campaign (a separate migration: PostgreSQL refuses to alter a table with the data
migration's pending deferred-constraint triggers in the same transaction)."""
import django.db.models.deletion
from django.db import migrations, models

import gasguard.campaign.models


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0004_default_campaign"),
    ]

    operations = [
        migrations.AlterField(
            model_name="task",
            name="campaign",
            field=models.ForeignKey(default=gasguard.campaign.models.default_campaign_id,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="tasks",
                                    to="campaign.campaign", verbose_name="专项整治"),
        ),
    ]
