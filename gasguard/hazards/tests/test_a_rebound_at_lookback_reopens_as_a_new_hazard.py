"""A look-back that finds the problem back (反弹) enters a new hazard in the ledger, linked to the first one;
a look-back that finds it fixed just confirms it."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from gasguard.hazards import services
from gasguard.hazards.models import Hazard, LookBack
from gasguard.testing import close_hazard, nothing_changes, register_hazard
from gasguard.utilities import clock


def drawn_lookback(personas):
    hazard = close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise,
                          personas.street_a)
    # A sample row as draw_lookback_sample() would make it (the draw itself is tested on its own).
    return LookBack.objects.create(hazard=hazard, month=f"{clock.today():%Y-%m}")


def test_a_rebound_at_lookback_reopens_as_a_new_hazard(personas):
    lookback = drawn_lookback(personas)
    original = lookback.hazard

    lookback = services.record_lookback(lookback, by=personas.street_a, rebound=True, note="软管又换回了3米长的")

    assert lookback.result == "rebound"
    assert lookback.checked_by == personas.street_a and lookback.checked_at is not None
    rebound = Hazard.objects.get(pk=lookback.rebound_hazard_id)
    assert rebound.rebound_of == original
    assert rebound.pk != original.pk
    assert rebound.state == "open"
    assert rebound.source == "lookback"
    assert (rebound.site, rebound.item, rebound.lead_unit) == (original.site, original.item, original.lead_unit)
    assert set(rebound.co_units.all()) == set(original.co_units.all())
    assert rebound.deadline == clock.today() + timedelta(days=original.item.deadline_days)
    assert "软管又换回了3米长的" in rebound.description and original.number in rebound.description
    assert Hazard.objects.get(pk=original.pk).state == "closed"  # the first one stays closed, its history intact
    assert original.events.order_by("id").last().action == "lookback_rebound"
    assert list(original.rebounds.all()) == [rebound]


def test_a_confirmed_lookback_changes_no_hazard(personas):
    lookback = drawn_lookback(personas)
    hazards = Hazard.objects.count()
    lookback = services.record_lookback(lookback, by=personas.street_a, rebound=False, note="整改有效")
    assert lookback.result == "confirmed" and lookback.rebound_hazard is None
    assert Hazard.objects.count() == hazards
    assert lookback.hazard.events.order_by("id").last().action == "lookback_ok"


def test_a_rebound_needs_a_description_and_a_lookback_is_recorded_once(personas):
    lookback = drawn_lookback(personas)
    with nothing_changes(lookback.hazard), pytest.raises(ValidationError) as refused:
        services.record_lookback(lookback, by=personas.street_a, rebound=True, note=" ")
    assert "note" in refused.value.message_dict
    services.record_lookback(lookback, by=personas.street_a, rebound=False)
    with nothing_changes(lookback.hazard), pytest.raises(ValidationError) as refused:
        services.record_lookback(lookback, by=personas.street_a, rebound=True, note="又坏了")
    assert "result" in refused.value.message_dict
