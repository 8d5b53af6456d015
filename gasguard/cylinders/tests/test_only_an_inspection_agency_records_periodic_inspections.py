"""A periodic inspection is the inspection agency's word, not the owner's: only an account of a 检验机构 records one
(service, API, page), under the agency's own name. The owner that once wrote agency="我们自己" and then had its
overdue cylinder filled gets 403 and the gate still refuses; the office and the departments do not record them
either; an agency account must belong to an inspection agency."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gasguard import testing
from gasguard.cylinders import services
from gasguard.cylinders.models import PeriodicInspection
from gasguard.org.roles import can_verify
from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(gas):
    from datetime import timedelta

    return helpers.cylinder(gas, manufactured_on=clock.today() - timedelta(days=365 * 5))


@pytest.mark.parametrize("who", ["owner", "office", "market", "street_a"])
def test_nobody_but_an_agency_records_one_in_the_service(gas, personas, overdue, who):
    user = gas.user if who == "owner" else getattr(personas, who)
    with pytest.raises(PermissionDenied):
        services.record_periodic_inspection(overdue, inspected_on=clock.today(), passed=True, by=user)
    assert not PeriodicInspection.objects.exists()


def test_the_owner_cannot_pass_its_own_cylinder_through_the_api(gas, overdue):
    r = api_client(gas.user).post(f"/api/v1/cylinders/{overdue.code}/inspections/", {
        "inspected_on": clock.today().isoformat(), "passed": True, "agency": "我们自己"}, format="json")
    assert r.status_code == 403 and "检验机构" in r.json()["detail"]
    assert not PeriodicInspection.objects.exists()
    check = services.gate_check(code=overdue.code, station=gas.station, by=gas.user)
    assert not check.allowed


def test_the_agency_records_it_under_its_own_name(gas, overdue, agency):
    r = api_client(agency).post(f"/api/v1/cylinders/{overdue.code}/inspections/", {
        "inspected_on": clock.today().isoformat(), "passed": True, "agency": "随便写", "report_number": "JY-1"},
        format="json")
    assert r.status_code == 200, r.content
    row = PeriodicInspection.objects.get()
    assert row.agency == "天津市特种设备检验所" and row.by == agency and row.report_number == "JY-1"


def test_the_page_is_the_agency_s_only(gas, personas, overdue, agency):
    owner = Client()
    owner.force_login(gas.user)
    assert owner.get("/cylinders/periodic-inspection/").status_code == 403
    assert owner.post("/cylinders/periodic-inspection/", {"code": overdue.code, "inspected_on": clock.today(),
                                                           "passed": "1"}).status_code == 403
    page = Client()
    page.force_login(agency)
    assert page.get("/cylinders/periodic-inspection/").status_code == 200
    for url in ("/", "/ledger/", "/cylinders/"):  # the shell opens for the new role, with nothing in its lists
        assert page.get(url).status_code == 200, url
    r = page.post("/cylinders/periodic-inspection/", {"code": "NOPE", "inspected_on": clock.today(), "passed": "1"})
    assert r.status_code == 400 and "未找到编码" in r.content.decode()
    r = page.post("/cylinders/periodic-inspection/", {"code": overdue.code, "inspected_on": "2999-01-01",
                                                       "passed": "1"})
    assert r.status_code == 400 and "检验日期不能晚于今天" in r.content.decode()
    assert not PeriodicInspection.objects.exists()
    r = page.post("/cylinders/periodic-inspection/", {"code": overdue.code, "inspected_on": clock.today(),
                                                       "passed": "1", "report_number": "JY-2"})
    assert r.status_code == 200 and "已登记" in r.content.decode()
    overdue.refresh_from_db()
    assert overdue.last_inspected_on == clock.today()


def test_an_agency_account_belongs_to_an_inspection_agency_and_verifies_nothing(agency):
    with pytest.raises(ValidationError):
        testing.make_user("agency", enterprise=testing.make_enterprise(kind="lpg"))
    assert not can_verify(agency)
