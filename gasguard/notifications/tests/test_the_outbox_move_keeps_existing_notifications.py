"""An installation from before the outbox was its own app keeps its notifications: the rows, their ids and what
they are about (the alarm, now the generic subject) survive the move, and the dwell still starts at the alarm's
raising. Run backwards and forwards again, with a row written by the old schema in between."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gasguard.monitoring.models import Alarm
from gasguard.monitoring.tests.helpers import base_time, make_device, reading, send
from gasguard.notifications.models import Notification

BEFORE = [("monitoring", "0003_inclusive_methane_set_points")]


@pytest.mark.django_db(transaction=True)
def test_notifications_of_an_alarm_keep_their_rows_and_subject_across_the_move():
    send(make_device(), reading(base_time(), ch4_lel=90.0))
    alarm = Alarm.objects.get()
    ids = sorted(Notification.objects.filter(alarm=alarm).values_list("pk", flat=True))
    assert ids
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        OldNotification = old.get_model("monitoring", "Notification")
        assert OldNotification._meta.db_table == "monitoring_notification"
        assert sorted(OldNotification.objects.filter(alarm_id=alarm.pk).values_list("pk", flat=True)) == ids
        written_before = OldNotification.objects.create(event="alarm.escalated", alarm_id=alarm.pk, channel="in_app",
                                                        target="office", payload={"n": 1})
        OldNotification.objects.create(event="test", channel="webhook", target="http://gateway/", payload={})

        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        assert "monitoring_notification" not in connection.introspection.table_names()
        about_alarm = Notification.objects.filter(alarm=alarm)
        assert sorted(about_alarm.values_list("pk", flat=True)) == [*ids, written_before.pk]
        assert {n.subject for n in about_alarm} == {alarm}
        assert {n.occurred_at for n in about_alarm} == {alarm.raised_at}
        other = Notification.objects.get(event="test")
        assert (other.subject, other.occurred_at) == (None, None)
    finally:
        MigrationExecutor(connection).migrate(leaves)
