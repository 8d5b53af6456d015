"""回头看: each month a sample of hazards closed before the month began is drawn for a re-check; drawing the same
month again returns the sample already drawn and writes nothing."""
from datetime import timedelta

from gasguard.audit.models import AuditRecord
from gasguard.hazards import services
from gasguard.hazards.models import LookBack
from gasguard.testing import close_hazard, register_hazard
from gasguard.utilities import clock


def next_month():
    day = clock.today().replace(day=28) + timedelta(days=4)
    return f"{day:%Y-%m}"


def test_a_lookback_sample_is_drawn_once_a_month(personas):
    closed = [close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise,
                           personas.street_a) for _ in range(4)]
    still_open = register_hazard(personas.site_a, personas.inspector)
    month = next_month()

    drawn = services.draw_lookback_sample(month, rate=0.5, minimum=2, by=personas.office)

    assert len(drawn) == 2  # half of the four closed hazards
    assert {lb.hazard_id for lb in drawn} <= {h.pk for h in closed}
    assert still_open.pk not in {lb.hazard_id for lb in drawn}
    assert all(lb.month == month and lb.result == "pending" for lb in drawn)
    assert AuditRecord.objects.filter(action="lookback.draw", object_id=month).count() == 1

    counts = LookBack.objects.count(), AuditRecord.objects.count()
    again = services.draw_lookback_sample(month, rate=1.0, minimum=10, by=personas.office)
    assert sorted(lb.pk for lb in again) == sorted(lb.pk for lb in drawn)
    assert (LookBack.objects.count(), AuditRecord.objects.count()) == counts


def test_the_minimum_sample_takes_every_hazard_of_a_small_pool(personas):
    closed = [close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise,
                           personas.street_a) for _ in range(3)]
    drawn = services.draw_lookback_sample(next_month())  # default floor (5) is larger than the pool
    assert sorted(lb.hazard_id for lb in drawn) == sorted(h.pk for h in closed)


def test_hazards_closed_during_the_month_wait_for_the_next_draw(personas):
    close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise, personas.street_a)
    assert services.draw_lookback_sample(f"{clock.today():%Y-%m}") == []
