"""Codes are issued in sequence (BH0000000001…), so the public page behind a label must not be readable by walking
them: the label's QR carries a token (an HMAC of the code under CYLINDER_SCAN_KEY); a wrong or another cylinder's
token is not found. A code alone (a label printed before the token) still answers whether the cylinder may be used,
and nothing more — no owner, no filling. The owner's phone is masked on the full page."""
import pytest
from django.test import override_settings

from gasguard.cylinders import labels

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(gas):
    gas.enterprise.phone = "13612345678"
    gas.enterprise.save()
    first, second = helpers.cylinder(gas), helpers.cylinder(gas)
    helpers.fill(gas, first, weight="14.2")
    return first, second


def test_the_label_s_token_opens_the_full_page_with_the_phone_masked(client, gas, two):
    html = client.get(labels.scan_url(two[0].code)).content.decode()
    assert gas.enterprise.name in html and "136****5678" in html and "13612345678" not in html


def test_a_walked_or_wrong_token_is_not_found(client, two):
    first, second = two
    assert client.get(f"/cylinders/scan/{second.code}/{labels.scan_token(first.code)}/").status_code == 404
    assert client.get(f"/cylinders/scan/{first.code}/{'a' * 16}/").status_code == 404
    assert labels.scan_token(first.code) != labels.scan_token(second.code)
    ours = labels.scan_token(first.code)
    with override_settings(CYLINDER_SCAN_KEY="another-installation"):  # the key, not the code, makes the token
        assert labels.scan_token(first.code) != ours
        assert client.get(f"/cylinders/scan/{first.code}/{ours}/").status_code == 404


def test_the_code_alone_answers_fitness_only(client, gas, two):
    page = client.get(f"/cylinders/scan/{two[0].code}/")
    html = page.content.decode()
    assert page.status_code == 200 and "可以使用" in html
    for hidden in (gas.enterprise.name, "136****5678", "14.20"):
        assert hidden not in html, hidden
