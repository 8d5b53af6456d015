"""At the filling station's gate a scanned cylinder is allowed, or refused with every reason that applies; every
check is recorded, refusals included."""
from datetime import timedelta

import pytest

from gasguard.cylinders import codes, services
from gasguard.cylinders.models import Cylinder, GateCheck
from gasguard.sites.models import Licence
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def reasons(check):
    return [r["code"] for r in check.reasons]


def test_a_fit_cylinder_of_the_station_is_allowed(gas):
    cyl = helpers.cylinder(gas)
    check = helpers.gate(gas, cyl.code)
    assert check.allowed and check.reasons == [] and check.cylinder == cyl


def test_a_mistyped_code_is_refused_as_invalid_and_not_looked_up(gas):
    cyl = helpers.cylinder(gas)
    wrong_check = cyl.code[:-1] + ("0" if cyl.code[-1] != "0" else "1")
    misread = cyl.code[:5] + ("8" if cyl.code[5] != "8" else "3") + cyl.code[6:]  # one character misread
    for code in (wrong_check, misread, "BH12"):
        check = helpers.gate(gas, code)
        assert not check.allowed and reasons(check) == ["invalid_code"] and check.cylinder is None, code


def test_an_unregistered_code_is_refused_as_unknown(gas):
    check = helpers.gate(gas, codes.make_code("BH9999999999"))
    assert reasons(check) == ["unknown_code"]


def test_another_companys_cylinder_is_refused(gas, rival):
    theirs = helpers.cylinder(rival)
    assert reasons(helpers.gate(gas, theirs.code)) == ["not_own"]


def test_an_overdue_inspection_is_refused(gas):
    cyl = helpers.cylinder(gas, manufactured_on=helpers.past(365 * 5))
    assert cyl.next_inspection_due < clock.today()
    assert reasons(helpers.gate(gas, cyl.code)) == ["inspection_overdue"]


def test_a_cylinder_past_its_service_life_is_refused(gas):
    cyl = helpers.cylinder(gas)
    Cylinder.objects.filter(pk=cyl.pk).update(service_life_ends=helpers.past(1))
    assert reasons(helpers.gate(gas, cyl.code)) == ["service_life_over"]


@pytest.mark.parametrize("status", ["scrapped", "seized", "blacklisted"])
def test_a_scrapped_seized_or_blacklisted_cylinder_is_refused(gas, personas, status):
    cyl = helpers.cylinder(gas)
    services.change_status(cyl, to_status=status, reason="测试", by=personas.market)
    assert reasons(helpers.gate(gas, cyl.code)) == [status]


def test_a_station_without_a_filling_licence_is_refused(personas):
    co = helpers.gas_company(licences=("gas_business",))
    Licence.objects.create(enterprise=co.enterprise, kind="filling", number="X", valid_until=helpers.later())
    cyl = helpers.cylinder(co)  # registered while licensed
    Licence.objects.filter(enterprise=co.enterprise, kind="filling").delete()
    assert reasons(helpers.gate(co, cyl.code)) == ["no_filling_licence"]


@pytest.mark.parametrize("change", [{"valid_until": "past"}, {"revoked": True}])
def test_an_expired_or_revoked_filling_licence_is_refused(gas, change):
    cyl = helpers.cylinder(gas)
    if change.get("valid_until") == "past":
        change = {"valid_until": helpers.past(1)}
    Licence.objects.filter(enterprise=gas.enterprise, kind="filling").update(**change)
    assert reasons(helpers.gate(gas, cyl.code)) == ["filling_licence_invalid"]


def test_a_station_blocked_by_the_regulator_is_refused_until_the_block_is_lifted(gas, personas):
    cyl = helpers.cylinder(gas)
    services.block_station(gas.station, reason="充装记录造假，立案调查", by=personas.market)
    check = helpers.gate(gas, cyl.code)
    assert reasons(check) == ["station_blocked"] and "立案调查" in check.reasons[0]["message"]
    services.lift_block(gas.station, by=personas.office)
    assert helpers.gate(gas, cyl.code).allowed


def test_every_reason_is_given_at_once_and_every_check_is_recorded(gas, rival, personas):
    theirs = helpers.cylinder(rival, manufactured_on=helpers.past(365 * 5))
    services.change_status(theirs, to_status="seized", reason="测试", by=personas.office)
    services.block_station(gas.station, reason="锁定", by=personas.office)
    Licence.objects.filter(enterprise=gas.enterprise, kind="filling").update(revoked=True)
    before = GateCheck.objects.count()
    check = helpers.gate(gas, theirs.code)
    assert set(reasons(check)) == {"not_own", "seized", "inspection_overdue", "filling_licence_invalid",
                                   "station_blocked"}
    helpers.gate(gas, "NOT-A-CODE")
    assert GateCheck.objects.count() == before + 2


def test_a_user_of_another_company_cannot_check_at_the_station(gas, rival):
    from django.core.exceptions import PermissionDenied

    cyl = helpers.cylinder(gas)
    with pytest.raises(PermissionDenied):
        services.gate_check(code=cyl.code, station=gas.station, by=rival.user)
    assert not GateCheck.objects.filter(station=gas.station).exists()


def test_a_check_time_in_the_future_is_refused(gas):
    from django.core.exceptions import ValidationError

    cyl = helpers.cylinder(gas)
    with pytest.raises(ValidationError):
        helpers.gate(gas, cyl.code, checked_at=clock.now() + timedelta(hours=1))


@pytest.mark.parametrize("holder", ["station", "another_site_of_the_company", "another_company"])
def test_a_filling_licence_counts_on_the_station_or_any_site_of_its_company_only(gas, rival, holder):
    """The gate looks licences up by the company and by its sites (two indexed lookups): a licence on the station
    itself or on another site of the company counts, another company's does not."""
    from gasguard import testing

    cyl = helpers.cylinder(gas)
    Licence.objects.filter(enterprise=gas.enterprise, kind="filling").delete()
    site = {"station": gas.station,
            "another_site_of_the_company": testing.make_site(testing.STREET_A_GRID, "filling_station",
                                                             enterprise=gas.enterprise, name="第二充装站"),
            "another_company": rival.station}[holder]
    Licence.objects.create(site=site, kind="filling", number=f"site-{holder}", valid_until=helpers.later())
    expected = [] if holder != "another_company" else ["no_filling_licence"]
    assert reasons(helpers.gate(gas, cyl.code)) == expected
    _, portable = services.gate_reasons(cyl.code, gas.station, clock.today())
    assert [c for c, _ in portable] == expected


@pytest.mark.parametrize("company, site, expected", [
    ({"valid_until": "past"}, {}, []),                                  # an expired one beside a valid one
    ({}, {"revoked": True}, []),
    ({"revoked": True}, {"valid_until": "past"}, ["filling_licence_invalid"]),
    (None, {"revoked": True}, ["filling_licence_invalid"]),
])
def test_one_valid_filling_licence_held_either_way_is_enough(gas, company, site, expected):
    """The licences held by the company and by its sites are judged together: allowed when one of them is valid on
    the day, 'invalid' (not 'none') when there are some and none is."""
    cyl = helpers.cylinder(gas)
    Licence.objects.filter(enterprise=gas.enterprise, kind="filling").delete()

    def held(change, **holder):
        change = {**change}
        if change.get("valid_until") == "past":
            change["valid_until"] = clock.today() - timedelta(days=1)
        Licence.objects.create(kind="filling", number=f"L-{next(iter(holder))}",
                               **{"valid_until": helpers.later(), **change, **holder})

    if company is not None:
        held(company, enterprise=gas.enterprise)
    held(site, site=gas.station)
    assert reasons(helpers.gate(gas, cyl.code)) == expected
    _, portable = services.gate_reasons(cyl.code, gas.station, clock.today())
    assert [c for c, _ in portable] == expected
