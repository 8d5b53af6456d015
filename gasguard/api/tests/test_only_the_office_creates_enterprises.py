"""Only the office registers enterprises, and only with a valid 统一社会信用代码."""
import pytest

from gasguard.org.models import Enterprise, Jurisdiction
from gasguard.testing import STREET_A, api_client, credit_code, nothing_changes


def body(**fields):
    return {"name": "塘沽新开餐馆有限公司", "credit_code": credit_code(), "kind": "user",
            "jurisdiction": Jurisdiction.objects.get(code=STREET_A).pk, **fields}


def test_the_office_creates_an_enterprise(personas):
    data = body(credit_code="91350100m000100y43 ")
    response = api_client(personas.office).post("/api/v1/enterprises/", data, format="json")
    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get(pk=response.json()["id"])
    assert enterprise.credit_code == "91350100M000100Y43"  # trimmed and upper-cased


@pytest.mark.parametrize("persona", ["street_a", "market", "fire", "inspector", "enterprise", "outsider"])
def test_nobody_else_does(personas, persona):
    with nothing_changes():
        response = api_client(getattr(personas, persona)).post("/api/v1/enterprises/", body(), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(("code", "says"), [
    ("91350100M000100Y44", "校验位"),
    ("91350100M000100Y4", "18位"),
    ("91350100M000100Y433", "18"),
    ("91350100M0001O0Y43", "不允许的字符"),
    ("91350100M0001I0Y43", "不允许的字符"),
])
def test_an_invalid_credit_code_is_refused(personas, code, says):
    with nothing_changes():
        response = api_client(personas.office).post("/api/v1/enterprises/", body(credit_code=code), format="json")
    assert response.status_code == 400
    assert says in response.json()["credit_code"][0]


def test_a_credit_code_is_registered_once(personas):
    office = api_client(personas.office)
    code = credit_code()
    assert office.post("/api/v1/enterprises/", body(credit_code=code), format="json").status_code == 201
    with nothing_changes():
        response = office.post("/api/v1/enterprises/", body(credit_code=code), format="json")
    assert response.status_code == 400 and "credit_code" in response.json()
