"""One filterset serves the site register's page and its API: the office filtering by enterprise, by a street (with
everything below it) or by a word finds the same sites on both, and never a site out of the user's scope."""
import pytest
from django.test import Client

from gasguard.testing import STREET_A, api_client, make_site


def page_names(user, query):
    client = Client()
    client.force_login(user)
    response = client.get(f"/sites/?{query}")
    assert response.status_code == 200
    return {s.name for s in response.context["page"].object_list}


def api_names(user, query):
    response = api_client(user).get(f"/api/v1/sites/?{query}")
    assert response.status_code == 200
    return {s["name"] for s in response.json()["results"]}


@pytest.fixture
def sites(personas):
    return {"elsewhere": make_site(STREET_A, name="塘沽街道餐馆", contact_person="李老板"),
            "b": personas.site_b}


@pytest.mark.parametrize("query", [
    "enterprise={enterprise_b}", "jurisdiction=120116-S03", "q=李老板", "q=海鲜", "site_type=restaurant&fuel=lpg"])
def test_the_page_and_the_api_find_the_same_sites(personas, sites, query):
    query = query.format(enterprise_b=personas.site_b.enterprise_id)
    ours = {personas.site_a.name, personas.site_b.name, sites["elsewhere"].name}  # one page of each is enough
    for user in (personas.office, personas.street_a):
        assert page_names(user, query) & ours == api_names(user, query) & ours, (user, query)


def test_a_filter_narrows_the_page_as_it_narrows_the_api(personas, sites):
    assert page_names(personas.office, f"enterprise={personas.site_b.enterprise_id}") == {personas.site_b.name}
    assert api_names(personas.office, "q=李老板") == {"塘沽街道餐馆"}
    assert page_names(personas.street_a, "q=海鲜") == set()  # street B's restaurant: out of scope
