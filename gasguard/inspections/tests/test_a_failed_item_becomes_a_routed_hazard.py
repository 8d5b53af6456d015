"""An inspection records every answer; each failed item becomes a hazard routed as the plan assigns it: an item the
fire brigades lead goes to the brigade whose territory holds the site."""
from datetime import timedelta

import pytest

from gasguard.audit.models import AuditRecord
from gasguard.catalog.services import checklist_for
from gasguard.hazards.models import Hazard
from gasguard.testing import (
    DECANTING,
    DOUBLE_PHASE,
    HOSE,
    STREET_A_GRID,
    ZONE_JK,
    ZONE_JK_GRID,
    inspect,
    make_site,
    make_user,
)
from gasguard.utilities import clock


@pytest.mark.parametrize(("place", "brigade"), [
    (ZONE_JK_GRID, "经开区消防救援支队"),       # a grid of 经开区: the zone's own brigade
    (ZONE_JK, "经开区消防救援支队"),            # the zone itself
    (STREET_A_GRID, "滨海新区消防救援支队"),    # an ordinary street: the district brigade
    ("120116-S13", "滨海新区消防救援支队"),     # 大港街道
    ("120116-Z3-C2-G1", "高新区消防救援支队"),
])
def test_a_long_hose_is_routed_to_the_brigade_of_the_sites_territory(personas, place, brigade):
    site = make_site(place)
    officer = make_user("office", department_name="区城市管理委")
    inspection, (hazard,) = inspect(site, officer, {HOSE: {"measured_value": "2.5"}})
    assert hazard.lead_unit.name == brigade
    assert [d.name for d in hazard.co_units.all()] == ["区商务和投促局"]
    assert hazard.item.code == HOSE
    assert hazard.deadline == clock.today() + timedelta(days=15)
    assert hazard.state == "open" and hazard.source == "inspection"
    assert hazard.inspection == inspection and hazard.inspection_item.item.code == HOSE
    assert "实测连接软管长度2.5m" in hazard.description
    assert hazard.responsible_person == site.contact_person


def test_named_lead_units_and_co_units_come_from_the_catalog(personas):
    inspection, hazards = inspect(personas.site_b, personas.street_b, {
        DOUBLE_PHASE: {"result": "fail", "note": "后厨发现2只50kg气液双相瓶"},
        DECANTING: {"result": "fail"}})
    routed = {h.item.code: (h.lead_unit.name, sorted(d.name for d in h.co_units.all())) for h in hazards}
    assert routed == {
        DOUBLE_PHASE: ("区市场监管局", sorted(["区商务和投促局", "区公安局", "区城市管理委"])),
        DECANTING: ("区公安局", sorted(["区市场监管局", "区应急局", "区城市管理委"])),
    }
    double_phase = next(h for h in hazards if h.item.code == DOUBLE_PHASE)
    assert double_phase.description.endswith("：后厨发现2只50kg气液双相瓶")
    assert double_phase.deadline == clock.today() + timedelta(days=7)
    assert inspection.failed_count == 2


def test_a_passed_inspection_is_recorded_without_hazards(personas):
    hazards_before = Hazard.objects.count()
    inspection, hazards = inspect(personas.site_a, personas.inspector)
    assert hazards == [] and inspection.failed_count == 0
    assert Hazard.objects.count() == hazards_before
    assert inspection.items.count() == len(checklist_for(personas.site_a))
    assert set(inspection.items.values_list("result", flat=True)) == {"pass"}
    assert inspection.inspector == personas.inspector and inspection.signature == personas.inspector.display_name
    assert inspection.jurisdiction == personas.inspector.jurisdiction
    record = AuditRecord.objects.get(action="inspection.sign", object_id=str(inspection.pk))
    assert record.actor == personas.inspector


def test_not_applicable_answers_raise_no_hazard(personas):
    inspection, hazards = inspect(personas.site_a, personas.inspector, {HOSE: {"result": "na", "measured_value": None}})
    assert hazards == []
    assert inspection.items.get(item__code=HOSE).result == "na"
