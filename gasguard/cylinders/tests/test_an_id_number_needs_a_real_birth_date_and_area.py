"""A buyer's resident ID number (GB 11643) is more than its check digit: the 7th–14th digits are a birth date that
exists and is not in the future, the first six a county code that exists. Each number below has a correct check
digit; each is refused with what is wrong, and nothing is registered."""
import pytest

from gasguard.cylinders.models import Customer
from gasguard.testing import api_client
from gasguard.utilities.credit_code import id_number_error

pytestmark = pytest.mark.django_db

VALID = "11010519491231002X"


@pytest.mark.parametrize(("number", "says"), [
    ("110105194902300020", "出生日期“19490230”"),   # 30 February
    ("110105194913310021", "出生日期“19491331”"),   # month 13
    ("110105209901010020", "出生日期“20990101”"),   # born in 2099
    ("990105194912310023", "前6位“990105”"),       # no such county
])
def test_an_impossible_number_is_refused(gas, number, says):
    assert says in id_number_error(number)
    response = api_client(gas.user).post("/api/v1/cylinders/customers/", {
        "kind": "person", "name": "王五", "phone": "13912345678", "address": "塘沽某小区1-1-101",
        "jurisdiction": "120116-S01-C1-G1", "id_number": number}, format="json")
    assert response.status_code == 400 and says in response.json()["id_number"][0]
    assert not Customer.objects.exists()


def test_a_real_number_passes_whatever_the_case():
    assert id_number_error(VALID) is None and id_number_error(VALID.lower()) is None
    assert id_number_error("120107194912310024") is None  # a county renamed since (塘沽区) still passes
