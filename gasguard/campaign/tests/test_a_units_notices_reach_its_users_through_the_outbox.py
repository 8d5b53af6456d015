"""A campaign notice (here a returned report) goes through the outbox: its users read it among their notifications,
another unit's users do not, and a notice sent twice is queued once."""
from gasguard.campaign import services
from gasguard.campaign.units import user_unit
from gasguard.notifications.models import Notification
from gasguard.testing import api_client


def test_street_a_reads_its_notice_in_its_notifications_and_street_b_does_not(personas):
    unit = user_unit(personas.street_a)
    notice = services.notify(unit.key, key="test:1", kind="returned", title="月报被退回", text="请补充")
    assert services.notify(unit.key, key="test:1", kind="returned", title="月报被退回") is None  # once per key
    [row] = Notification.objects.filter(event="campaign.returned")
    assert (row.subject, row.channel, row.target, row.payload["title"]) == (notice, "in_app", unit.key, "月报被退回")

    mine = api_client(personas.street_a).get("/api/v1/notifications/").json()["results"]
    assert [n["payload"]["title"] for n in mine] == ["月报被退回"]
    assert api_client(personas.street_b).get("/api/v1/notifications/").json()["count"] == 0
