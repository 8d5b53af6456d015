"""A deadline is never in the past and never far away: at most HAZARD_MAX_DEADLINE_DAYS ahead (9999-12-31 and 2099
are refused at registration and in control measures), and past the check item's default period (counted from the
day the hazard was found) only the lead unit — or the office — sets it: the enterprise that once pushed its own
hazard to 2099 through 管控措施 is refused, as is the street; each refusal says why and changes nothing."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from gasguard.hazards import services
from gasguard.testing import HOSE, api_client, nothing_changes, register_hazard
from gasguard.utilities import clock

pytestmark = pytest.mark.django_db


def _in(days):
    return clock.today() + timedelta(days=days)


@pytest.mark.parametrize("far", [date(9999, 12, 31), date(2099, 1, 1)])
def test_a_far_deadline_is_refused_at_registration(personas, far):
    with nothing_changes(), pytest.raises(ValidationError) as refused:
        register_hazard(personas.site_a, personas.office, deadline=far)
    assert "太远" in refused.value.message_dict["deadline"][0]


def test_the_api_answers_400_for_9999(personas):
    with nothing_changes():
        r = api_client(personas.inspector).post("/api/v1/hazards/", {
            "site": personas.site_a.pk, "item": HOSE, "description": "软管过长", "responsible_person": "王整改",
            "deadline": "9999-12-31"}, format="json")
    assert r.status_code == 400 and "太远" in r.json()["deadline"][0]


def test_the_enterprise_cannot_push_its_own_hazard_to_2099(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    client = api_client(personas.enterprise)
    with nothing_changes(hazard):
        r = client.post(f"/api/v1/hazards/{hazard.pk}/control/", {"measures": "先用着", "deadline": "2099-12-31"},
                        format="json")
    assert r.status_code == 400 and "太远" in r.json()["deadline"][0]
    with nothing_changes(hazard):  # within the cap, but past the item's 15 days
        r = client.post(f"/api/v1/hazards/{hazard.pk}/control/", {"measures": "先用着",
                                                                  "deadline": _in(60).isoformat()}, format="json")
    assert r.status_code == 400 and "牵头单位“滨海新区消防救援支队”" in r.json()["deadline"][0]
    r = client.post(f"/api/v1/hazards/{hazard.pk}/control/", {"measures": "关阀停用",
                                                              "deadline": _in(10).isoformat()}, format="json")
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("who", ["enterprise", "street_a"])
def test_only_the_lead_unit_or_the_office_extends_past_the_default(personas, who):
    hazard = register_hazard(personas.site_a, personas.inspector)  # HOSE: fire brigade leads, 15 days
    with nothing_changes(hazard), pytest.raises(ValidationError):
        services.control(hazard, measures="关阀停用", deadline=_in(16), by=getattr(personas, who))
    services.control(hazard, measures="关阀停用", deadline=_in(60), by=personas.fire)
    services.control(hazard, measures="关阀停用", deadline=_in(90), by=personas.office)
    with pytest.raises(ValidationError):
        services.control(hazard, measures="关阀停用", deadline=_in(366), by=personas.fire)


def test_the_default_period_counts_from_the_day_found(personas):
    with clock.frozen(clock.now() - timedelta(days=10)):
        hazard = register_hazard(personas.site_a, personas.inspector)
    services.control(hazard, measures="关阀停用", deadline=_in(5), by=personas.enterprise)
    with pytest.raises(ValidationError, match="默认整改期限"):
        services.control(hazard, measures="关阀停用", deadline=_in(6), by=personas.enterprise)


@override_settings(HAZARD_MAX_DEADLINE_DAYS=30)
def test_the_cap_is_a_setting(personas):
    register_hazard(personas.site_a, personas.office, deadline=_in(30))
    with pytest.raises(ValidationError, match="太远"):
        register_hazard(personas.site_a, personas.office, deadline=_in(31))
