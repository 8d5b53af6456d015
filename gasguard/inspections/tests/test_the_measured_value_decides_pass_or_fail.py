"""Where a rule has a number, the number decides — not the inspector's tick."""
from decimal import Decimal

import pytest

from gasguard.catalog.models import CheckItem
from gasguard.sites.models import Site
from gasguard.testing import HOSE, LPG_STORE, inspect, make_site


@pytest.fixture
def hose(db):
    return CheckItem.objects.get(code=HOSE)


@pytest.fixture
def lpg_store(db):
    return CheckItem.objects.get(code=LPG_STORE)


@pytest.mark.parametrize(("length", "passed"), [("1.5", True), ("2.0", True), (2, True), ("2.001", False),
                                                ("2.5", False), (Decimal("3"), False)])
def test_a_hose_passes_up_to_two_metres(hose, length, passed):
    assert hose.judge(length) is passed


def test_the_hose_rule_reads_as_the_plan_says(hose):
    assert hose.has_measure
    assert hose.rule_text() == "连接软管长度 ≤ 2 m"


@pytest.mark.parametrize(("stored_kg", "cylinder_room", "passed"), [
    ("150", False, False), ("150", True, True), ("100", False, True), ("80", False, True), ("100.5", False, False),
])
def test_stored_lpg_over_100_kg_needs_a_cylinder_room(lpg_store, stored_kg, cylinder_room, passed):
    site = Site(site_type="restaurant", fuel="lpg", has_cylinder_room=cylinder_room)
    assert lpg_store.judge(stored_kg, site) is passed


def test_an_inspectors_pass_is_overruled_by_the_measured_value(personas):
    site = make_site(has_cylinder_room=False, lpg_stored_kg=150)
    inspection, hazards = inspect(site, personas.inspector, {
        HOSE: {"result": "pass", "measured_value": "2.5"}, LPG_STORE: {"result": "pass", "measured_value": "150"}})
    assert sorted(h.item.code for h in hazards) == sorted([HOSE, LPG_STORE])
    assert inspection.items.get(item__code=HOSE).measured_value == Decimal("2.5")
    assert inspection.items.get(item__code=HOSE).result == "fail"


def test_a_cylinder_room_exempts_the_stored_weight(personas):
    site = make_site(has_cylinder_room=True, lpg_stored_kg=150)
    inspection, hazards = inspect(site, personas.inspector, {LPG_STORE: {"measured_value": "150"}})
    assert hazards == []
    assert inspection.items.get(item__code=LPG_STORE).result == "pass"
