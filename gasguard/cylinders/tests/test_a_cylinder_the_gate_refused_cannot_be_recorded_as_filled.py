"""A filling must follow an allowing gate check of the same cylinder at the same station, recent and not used
before: a cylinder the gate refused cannot be recorded as filled."""
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from gasguard.cylinders import services
from gasguard.cylinders.models import Filling
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def fill_after(co, check, cyl, **kw):
    kw.setdefault("operator", co.operator)
    kw.setdefault("net_weight_kg", "14.5")
    kw.setdefault("pre_checks", helpers.ALL_PASS_PRE)
    kw.setdefault("post_checks", helpers.ALL_PASS_POST)
    kw.setdefault("station", co.station)
    return services.record_filling(gate_check_id=check.client_id if check else uuid.uuid4(), code=cyl.code,
                                   by=co.user, **kw)


def refused(field, **kw):
    with pytest.raises(ValidationError) as exc:
        fill_after(**kw)
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value.message_dict[field][0]


def test_an_allowed_cylinder_is_filled_once_per_gate_check(gas):
    cyl = helpers.cylinder(gas)
    check = helpers.gate(gas, cyl.code)
    filling = fill_after(gas, check, cyl)
    assert filling.gate_check == check and filling.net_weight_kg == 14.5 and filling.post_checks_passed
    assert "另一次充装" in refused("gate_check", co=gas, check=check, cyl=cyl)
    assert Filling.objects.filter(cylinder=cyl).count() == 1


def test_a_refused_cylinder_cannot_be_filled(gas, rival):
    theirs = helpers.cylinder(rival)
    check = helpers.gate(gas, theirs.code)
    assert not check.allowed
    message = refused("gate_check", co=gas, check=check, cyl=theirs)
    assert "未通过充装前检查" in message and "非本站产权气瓶" in message
    assert not Filling.objects.exists()


def test_a_filling_without_a_gate_check_is_refused(gas):
    cyl = helpers.cylinder(gas)
    assert "须先扫码检查" in refused("gate_check", co=gas, check=None, cyl=cyl)


def test_a_gate_check_of_another_cylinder_or_station_does_not_open_the_way(gas, personas):
    cyl, other = helpers.cylinder(gas), helpers.cylinder(gas)
    check = helpers.gate(gas, other.code)
    assert "不符" in refused("gate_check", co=gas, check=check, cyl=cyl)
    from gasguard import testing
    second_station = testing.make_site(testing.STREET_A_GRID, "filling_station", enterprise=gas.enterprise)
    assert "不符" in refused("gate_check", co=gas, check=check, cyl=other, station=second_station)


def test_a_stale_gate_check_does_not_open_the_way(gas):
    cyl = helpers.cylinder(gas)
    check = helpers.gate(gas, cyl.code, checked_at=clock.now() - timedelta(hours=2))
    assert "分钟内" in refused("gate_check", co=gas, check=check, cyl=cyl)


def test_the_operator_needs_a_valid_certificate_and_the_checks_must_pass(gas, rival):
    cyl = helpers.cylinder(gas)
    check = helpers.gate(gas, cyl.code)
    gas.operator.certificate_valid_until = helpers.past(1)
    gas.operator.save()
    assert "证书已过期" in refused("operator", co=gas, check=check, cyl=cyl)
    assert "本站" in refused("operator", co=gas, check=check, cyl=cyl, operator=rival.operator)
    assert "超装" in refused("net_weight_kg", co=gas, check=check, cyl=cyl, operator=rival.operator,
                             net_weight_kg="16")
    assert "瓶阀" in refused("pre_checks", co=gas, check=check, cyl=cyl,
                             pre_checks={**helpers.ALL_PASS_PRE, "valve": False})
    assert "须逐项填写" in refused("post_checks", co=gas, check=check, cyl=cyl, post_checks={})
    assert not Filling.objects.exists()
