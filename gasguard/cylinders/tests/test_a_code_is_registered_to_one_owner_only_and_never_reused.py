"""The registry: one cylinder, one code, one owner (a licensed filling enterprise). A code carries a check character,
is never issued twice and is retired with its scrapped cylinder; inspection dates and service life follow the
rules (4-year period, 8 years of life extendable to 12 only after a passed inspection)."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gasguard.cylinders import codes, services
from gasguard.cylinders.models import Cylinder
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def test_issued_codes_carry_a_check_character_and_are_all_different(gas):
    a, b = helpers.cylinder(gas), helpers.cylinder(gas)
    assert a.code != b.code and codes.is_valid(a.code) and codes.is_valid(b.code)
    assert a.nominal_fill_kg == 14.5
    assert a.service_life_ends == services.add_years(a.manufactured_on, 8)
    assert a.next_inspection_due == services.add_years(a.manufactured_on, 4)


def test_a_code_registered_to_one_owner_is_refused_to_another(gas, rival):
    code = codes.make_code("TJ0012345678")
    helpers.cylinder(gas, code=code)
    with pytest.raises(ValidationError) as exc:
        helpers.cylinder(rival, code=code)
    assert "已登记给“滨海燃气有限公司”" in exc.value.message_dict["code"][0]
    assert Cylinder.objects.get(code=code).owner == gas.enterprise


def test_the_same_cylinder_cannot_get_a_second_code(gas, rival):
    first = helpers.cylinder(gas)
    with pytest.raises(ValidationError) as exc:
        services.register_cylinder(owner=rival.enterprise, maker=first.maker, maker_serial=first.maker_serial,
                                   manufactured_on=first.manufactured_on, model="YSP35.5", by=rival.user)
    assert first.code in exc.value.message_dict["maker_serial"][0]


def test_a_code_with_a_wrong_check_character_is_refused(gas):
    with pytest.raises(ValidationError) as exc:
        helpers.cylinder(gas, code="TJ00123456780")
    assert "校验位" in exc.value.message_dict["code"][0] or "编码" in exc.value.message_dict["code"][0]


def test_only_a_licensed_filling_enterprise_owns_cylinders_and_only_its_users_register_them(gas, rival, personas):
    shop = helpers.gas_company(licences=("gas_business",))
    with pytest.raises(ValidationError) as exc:
        helpers.cylinder(shop)
    assert "充装许可证" in exc.value.message_dict["owner"][0]
    with pytest.raises(PermissionDenied):
        services.register_cylinder(owner=gas.enterprise, maker="厂", maker_serial="X1", model="YSP12",
                                   manufactured_on=date(2024, 1, 1), by=rival.user)


def test_a_scrapped_cylinders_code_is_retired_for_good(gas, personas):
    cyl = helpers.cylinder(gas)
    services.change_status(cyl, to_status="scrapped", reason="腐蚀严重", by=gas.user)
    cyl.refresh_from_db()
    assert cyl.retired_at is not None
    with pytest.raises(ValidationError):
        services.change_status(cyl, to_status="in_service", reason="想复用", by=personas.office)
    with pytest.raises(ValidationError):
        helpers.cylinder(gas, code=cyl.code)
    with pytest.raises(PermissionDenied):  # seizing is the regulator's
        services.change_status(helpers.cylinder(gas), to_status="seized", reason="x", by=gas.user)


def test_the_service_life_is_extended_to_twelve_years_only_after_a_passed_inspection(gas, agency):
    made = clock.today() - timedelta(days=365 * 7 + 100)
    cyl = helpers.cylinder(gas, manufactured_on=made, last_inspected_on=clock.today() - timedelta(days=100))
    with pytest.raises(ValidationError):
        services.record_periodic_inspection(cyl, inspected_on=clock.today(), passed=False, by=agency, extend_life=True)
    services.record_periodic_inspection(cyl, inspected_on=clock.today(), passed=True, by=agency, extend_life=True)
    cyl.refresh_from_db()
    assert cyl.life_extended and cyl.service_life_ends == services.add_years(made, 12)
    assert cyl.next_inspection_due == services.add_years(clock.today(), 4)
    services.record_periodic_inspection(cyl, inspected_on=clock.today(), passed=False, by=agency)
    cyl.refresh_from_db()
    assert cyl.status == "scrapped"


def test_a_cylinder_past_its_inspection_date_reads_as_due_for_inspection(gas):
    cyl = helpers.cylinder(gas, manufactured_on=clock.today() - timedelta(days=365 * 5))
    assert cyl.status == "in_service" and cyl.effective_status() == "due_inspection"


def test_a_cylinder_already_past_its_life_cannot_be_registered(gas):
    with pytest.raises(ValidationError):
        helpers.cylinder(gas, manufactured_on=clock.today() - timedelta(days=365 * 9))


def test_the_models_include_the_banned_double_phase_cylinder_and_its_replacements():
    from gasguard.cylinders.choices import BANNED_IN_CATERING, CylinderModel
    assert {"YSP118", "YSP118-II", "YSP118/49.5", "YSP118/液/49.5", "YSP4.7", "YSP12", "YSP26.2", "YSP35.5"} <= set(
        CylinderModel.values)
    assert BANNED_IN_CATERING == {"YSP118-II"}
