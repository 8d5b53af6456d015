"""The 9th–17th characters of a credit code are the unit's organisation code (GB 11714), with its own check
character in the 17th place: a code whose last character is right but whose organisation code is wrong is refused
(the enterprise register, the API and the import), naming the 17th place and what it should be."""
import pytest
from django.core.exceptions import ValidationError

from gasguard import testing
from gasguard.org.models import Enterprise
from gasguard.utilities.credit_code import credit_code_error, make_credit_code, org_code_check_char

KNOWN = "91350100M000100Y43"          # organisation code M000100Y-4
WRONG_ORG = "91350100M000100Y56"      # 17th "5" instead of "4", 18th recomputed so GB 32100's own check passes


def test_the_known_code_s_organisation_code_is_valid():
    assert org_code_check_char("M000100Y") == "4"
    assert credit_code_error(KNOWN) is None


def test_a_wrong_organisation_code_digit_is_refused():
    error = credit_code_error(WRONG_ORG)
    assert "组织机构代码" in error and "第17位应为“4”" in error


@pytest.mark.parametrize("body", ["91120116MA0000XY", "1212000000000000", "Y1120116B0000017"])
def test_made_codes_are_valid(body):
    assert credit_code_error(make_credit_code(body)) is None


def test_the_region_part_must_be_digits():
    assert "行政区划码" in credit_code_error(make_credit_code("91A20116MA000000"))


def test_the_enterprise_model_refuses_it(db):
    with pytest.raises(ValidationError) as refused:
        Enterprise(name="组织机构代码错误公司", credit_code=WRONG_ORG, kind="user",
                   jurisdiction=testing.jurisdiction(testing.STREET_A)).clean()
    assert "组织机构代码" in refused.value.message_dict["credit_code"][0]


def test_the_api_refuses_it(personas):
    client = testing.api_client(personas.office)
    r = client.post("/api/v1/enterprises/", {"name": "组织机构代码错误公司", "credit_code": WRONG_ORG, "kind": "user",
                                          "jurisdiction": testing.jurisdiction(testing.STREET_A).pk}, format="json")
    assert r.status_code == 400 and "组织机构代码" in str(r.json()["credit_code"])
    assert not Enterprise.objects.filter(credit_code=WRONG_ORG).exists()
