"""Campaign's escalate_overdue issues one supervision order (督办单) per overdue hazard, and never a second for the same
deadline: running it twice issues nothing more."""
from datetime import timedelta

from gasguard.campaign import services as campaign
from gasguard.campaign.models import SupervisionOrder
from gasguard.hazards import services
from gasguard.hazards.models import HazardEvent
from gasguard.testing import DOUBLE_PHASE, png_upload, register_hazard
from gasguard.utilities import clock


def test_an_overdue_hazard_is_escalated_once(personas):
    soon = clock.today() + timedelta(days=3)
    overdue_a = register_hazard(personas.site_a, personas.inspector, deadline=soon)
    overdue_b = register_hazard(personas.site_b, personas.office, DOUBLE_PHASE, deadline=soon)
    not_yet = register_hazard(personas.site_a, personas.office, deadline=soon + timedelta(days=30))
    closed = register_hazard(personas.site_a, personas.inspector, deadline=soon)
    services.verify(services.submit(services.start_rectification(closed, by=personas.enterprise),
                                    by=personas.enterprise, note="改好了", photos=[png_upload()]),
                    by=personas.street_a, passed=True)
    later = soon + timedelta(days=1)

    orders = campaign.escalate_overdue(on=later, by=personas.office)

    assert sorted(h.pk for o in orders for h in o.hazards.all()) == sorted([overdue_a.pk, overdue_b.pk])
    by_hazard = {o.hazards.get().pk: o for o in orders}
    assert by_hazard[overdue_a.pk].department.name == "滨海新区消防救援支队"
    assert by_hazard[overdue_a.pk].jurisdiction.code == "120116-S01"  # the street holding the grid
    assert by_hazard[overdue_b.pk].department.name == "区市场监管局"
    assert by_hazard[overdue_b.pk].jurisdiction.code == "120116-S03"
    assert all(o.number.startswith("DB") and o.deadline == later + timedelta(days=3) for o in orders)
    assert overdue_a.events.filter(action="escalate").count() == 1
    assert not not_yet.events.filter(action="escalate").exists()

    # Twice: nothing more.
    counts = SupervisionOrder.objects.count(), HazardEvent.objects.count()
    assert campaign.escalate_overdue(on=later, by=personas.office) == []
    assert campaign.escalate_overdue(on=later + timedelta(days=7)) == []
    assert (SupervisionOrder.objects.count(), HazardEvent.objects.count()) == counts


def test_a_new_deadline_missed_again_is_escalated_again(personas):
    soon = clock.today() + timedelta(days=2)
    hazard = register_hazard(personas.site_a, personas.inspector, deadline=soon)
    assert len(campaign.escalate_overdue(on=soon + timedelta(days=1))) == 1
    services.control(hazard, measures="停用灶具", deadline=soon + timedelta(days=10), by=personas.street_a)
    assert campaign.escalate_overdue(on=soon + timedelta(days=1)) == []
    assert len(campaign.escalate_overdue(on=soon + timedelta(days=11))) == 1

