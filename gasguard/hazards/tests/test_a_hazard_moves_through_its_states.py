"""Each verb of the ledger moves a hazard one step, signs it with a timeline event and writes an audit record."""
from datetime import timedelta

from gasguard.audit.models import AuditRecord
from gasguard.hazards import services
from gasguard.hazards.models import Hazard
from gasguard.testing import HOSE, png_upload, register_hazard
from gasguard.utilities import clock


def steps(hazard):
    return [(e.action, e.from_state, e.to_state, e.actor_id) for e in hazard.events.order_by("id")]


def audited(hazard):
    return list(AuditRecord.objects.filter(object_type="hazards.hazard", object_id=str(hazard.pk))
                .order_by("id").values_list("action", flat=True))


def test_registering_opens_a_hazard_with_its_deadline_and_units(personas):
    deadline = clock.today() + timedelta(days=15)
    hazard = register_hazard(personas.site_a, personas.inspector, HOSE, deadline=deadline)
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.state == "open"
    assert hazard.deadline == deadline
    assert hazard.number.startswith("YH") and hazard.number.endswith(f"{hazard.pk:07d}")
    assert hazard.lead_unit.name == "滨海新区消防救援支队"
    assert [d.name for d in hazard.co_units.all()] == ["区商务和投促局"]
    assert hazard.jurisdiction == personas.site_a.jurisdiction
    assert hazard.enterprise == personas.enterprise.enterprise
    assert hazard.found_by == personas.inspector
    assert steps(hazard) == [("register", "", "open", personas.inspector.pk)]
    assert audited(hazard) == ["hazard.register"]


def test_start_takes_an_open_hazard_into_rectification(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    hazard = services.start_rectification(hazard, by=personas.enterprise, note="马上换")
    assert Hazard.objects.get(pk=hazard.pk).state == "rectifying"
    assert steps(hazard)[-1] == ("start", "open", "rectifying", personas.enterprise.pk)
    assert audited(hazard)[-1] == "hazard.start"


def test_control_records_measures_and_a_new_deadline(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    later = clock.today() + timedelta(days=40)
    hazard = services.control(hazard, measures="关闭气瓶角阀，暂停使用该灶具", deadline=later, by=personas.fire)  # past the item's 15 days: the lead unit
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.state == "controlled"
    assert hazard.control_measures == "关闭气瓶角阀，暂停使用该灶具"
    assert hazard.deadline == later
    event = hazard.events.order_by("id").last()
    assert (event.action, event.from_state, event.to_state, event.deadline) == ("control", "open", "controlled", later)
    assert audited(hazard)[-1] == "hazard.control"


def test_submit_hands_in_the_evidence_for_verification(personas):
    hazard = services.start_rectification(register_hazard(personas.site_a, personas.inspector), by=personas.enterprise)
    hazard = services.submit(hazard, by=personas.enterprise, note="已更换软管", photos=[png_upload()])
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.state == "submitted"
    assert hazard.rectified_by == personas.enterprise
    assert hazard.submitted_at is not None
    event = hazard.events.order_by("id").last()
    assert (event.action, event.from_state, event.to_state) == ("submit", "rectifying", "submitted")
    assert event.photos.count() == 1 and len(event.photos.get().sha256) == 64


def test_a_controlled_hazard_can_be_submitted_too(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    hazard = services.control(hazard, measures="停用", deadline=clock.today() + timedelta(days=5), by=personas.street_a)
    hazard = services.submit(hazard, by=personas.enterprise, note="已整改", photos=[png_upload()])
    assert steps(hazard)[-1][:3] == ("submit", "controlled", "submitted")


def test_verify_pass_closes_the_hazard(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    hazard = services.start_rectification(hazard, by=personas.enterprise)
    hazard = services.submit(hazard, by=personas.enterprise, note="已整改", photos=[png_upload()])
    hazard = services.verify(hazard, by=personas.street_a, passed=True)
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.state == "closed"
    assert hazard.closed_at is not None
    assert hazard.verified_by == personas.street_a
    assert not hazard.is_open and not hazard.is_overdue
    assert steps(hazard)[-1] == ("verify_pass", "submitted", "closed", personas.street_a.pk)
    assert audited(hazard) == ["hazard.register", "hazard.start", "hazard.submit", "hazard.verify_pass"]


def test_verify_fail_sends_it_back_with_a_reason(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    hazard = services.start_rectification(hazard, by=personas.enterprise)
    hazard = services.submit(hazard, by=personas.enterprise, note="已整改", photos=[png_upload()])
    hazard = services.verify(hazard, by=personas.street_a, passed=False, note="软管仍超过2米")
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.state == "rectifying"
    assert hazard.closed_at is None
    event = hazard.events.order_by("id").last()
    assert (event.action, event.from_state, event.to_state, event.note) == (
        "verify_fail", "submitted", "rectifying", "软管仍超过2米")
    # Sent back, it can go round again.
    hazard = services.submit(hazard, by=personas.enterprise, note="再次整改", photos=[png_upload()])
    assert services.verify(hazard, by=personas.street_a, passed=True).state == "closed"


def test_reassign_names_another_responsible_person(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    hazard = services.start_rectification(hazard, by=personas.enterprise)
    hazard = services.reassign(hazard, by=personas.street_a, responsible_person="李店长", responsible_phone="13700000000",
                               responsible_user=personas.enterprise)
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert (hazard.responsible_person, hazard.responsible_phone, hazard.responsible_user) == (
        "李店长", "13700000000", personas.enterprise)
    assert hazard.state == "rectifying"  # reassigning does not move the state
    assert steps(hazard)[-1] == ("reassign", "rectifying", "rectifying", personas.street_a.pk)
    assert audited(hazard)[-1] == "hazard.reassign"
