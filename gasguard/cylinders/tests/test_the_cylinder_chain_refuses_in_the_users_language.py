"""The cylinder chain's refusals are in the user's language: Chinese by default, English for a user who asks for it,
the gate's reasons (label and detail) alike on SQLite and PostgreSQL."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gasguard.cylinders import codes, services
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def message(exc, field):
    return exc.value.message_dict[field][0]


def test_an_enterprise_user_reading_english_is_told_a_model_is_not_of_gb_5842_in_english(gas):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        helpers.cylinder(gas, model="YSP99")
    assert message(exc, "model") == "The model “YSP99” is not a model of GB 5842"


def test_an_enterprise_user_reading_chinese_keeps_the_chinese_message(gas):
    with pytest.raises(ValidationError) as exc:
        helpers.cylinder(gas, model="YSP99")
    assert message(exc, "model") == "型号“YSP99”不是GB 5842规定的型号"


def test_a_station_reading_english_is_refused_an_overdue_cylinder_with_its_date_in_english(gas):
    cyl = helpers.cylinder(gas, manufactured_on=helpers.past(365 * 5))
    with translation.override("en"):
        check = helpers.gate(gas, cyl.code)
    due = f"{cyl.next_inspection_due:%Y-%m-%d}"
    assert [r["message"] for r in check.reasons] == [f"Past periodic inspection date：inspection due by {due}"]
    with translation.override("zh-hans"):
        check = helpers.gate(gas, cyl.code)
    assert [r["message"] for r in check.reasons] == [f"超过定期检验日期：应于 {due} 前检验"]


def test_a_seller_reading_english_is_told_an_unknown_code_is_not_registered(gas):
    code = codes.make_code("BH9999999999")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.record_return(code=code, by=gas.user, returned_at=clock.now())
    assert message(exc, "code") == f"The code {code} is not registered"
