"""Takes over monitoring's Notification (monitoring.0004 made it generic): the model is adopted with its table and
rows (state only), then the table gets this app's name and an index on the subject."""
import django.db.models.deletion
from django.db import migrations, models

import gasguard.utilities.clock


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0004_notifications_move_to_their_own_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("event", models.CharField(max_length=40, verbose_name="事件")),
                        ("subject_id", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("channel", models.CharField(choices=[("in_app", "站内消息"), ("email", "电子邮件"),
                                                              ("webhook", "Webhook（短信/即时通讯网关）")],
                                                     max_length=20, verbose_name="渠道")),
                        ("target", models.CharField(max_length=200, verbose_name="接收方")),
                        ("payload", models.JSONField(default=dict, verbose_name="内容")),
                        ("occurred_at", models.DateTimeField(blank=True, null=True, verbose_name="事件时间")),
                        ("created_at", models.DateTimeField(default=gasguard.utilities.clock.now,
                                                            verbose_name="生成时间")),
                        ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="领取时间")),
                        ("claimed_by", models.CharField(blank=True, max_length=100)),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")),
                        ("error", models.TextField(blank=True, verbose_name="错误")),
                        ("failed", models.BooleanField(default=False, verbose_name="已放弃")),
                        ("dwell_ms", models.PositiveIntegerField(blank=True, null=True,
                                                                 verbose_name="事件到送达（毫秒）")),
                        ("subject_type", models.ForeignKey(blank=True, null=True,
                                                           on_delete=django.db.models.deletion.CASCADE,
                                                           related_name="+", to="contenttypes.contenttype")),
                    ],
                    options={
                        "verbose_name": "通知",
                        "verbose_name_plural": "通知",
                        "ordering": ["id"],
                        "db_table": "monitoring_notification",
                        "indexes": [models.Index(condition=models.Q(("claimed_at__isnull", True)), fields=["id"],
                                                 name="notification_unclaimed")],
                    },
                ),
            ],
            database_operations=[],
        ),
        # A rename (metadata only on PostgreSQL and SQLite): the rows, ids and the unclaimed index go with it.
        migrations.AlterModelTable(name="notification", table=None),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
        ),
    ]
