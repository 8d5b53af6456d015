"""The notification outbox moves to its own app (gasguard.notifications), which knows none of the apps that write
it: the alarm foreign key becomes a generic subject (content type + id) and the alarm's raising time is copied into
occurred_at, where the dwell time starts. The table and its rows stay; notifications.0001 takes the model over
(state only) and renames the table."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def alarm_to_subject(apps, schema_editor):
    db = schema_editor.connection.alias
    Notification = apps.get_model("monitoring", "Notification")
    Alarm = apps.get_model("monitoring", "Alarm")
    ContentType = apps.get_model("contenttypes", "ContentType")
    about_alarms = Notification.objects.using(db).filter(alarm__isnull=False)
    if not about_alarms.exists():
        return
    alarm_type, _ = ContentType.objects.using(db).get_or_create(app_label="monitoring", model="alarm")
    about_alarms.update(subject_type=alarm_type, subject_id=models.F("alarm_id"),
                        occurred_at=Subquery(Alarm.objects.filter(pk=OuterRef("alarm_id")).values("raised_at")[:1]))


def subject_to_alarm(apps, schema_editor):
    db = schema_editor.connection.alias
    Notification = apps.get_model("monitoring", "Notification")
    Alarm = apps.get_model("monitoring", "Alarm")
    Notification.objects.using(db).filter(
        subject_type__app_label="monitoring", subject_type__model="alarm",
        subject_id__in=Alarm.objects.using(db).values("pk")).update(alarm_id=models.F("subject_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0003_inclusive_methane_set_points"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="contenttypes.contenttype"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="occurred_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="事件时间"),
        ),
        migrations.RunPython(alarm_to_subject, subject_to_alarm, elidable=True),
        migrations.RemoveField(model_name="notification", name="alarm"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
