"""One filterset serves the ledger: the same query string lists the same hazards on the ledger page, in its Excel
export and through the API, for the office and for a street (each within its own scope)."""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from gasguard import testing
from gasguard.utilities import clock


@pytest.fixture
def world(personas):
    p = personas
    zone_site = testing.make_site(testing.ZONE_JK_GRID, name="经开区小馆")
    hose_a = testing.register_hazard(p.site_a, p.inspector, testing.HOSE)
    testing.register_hazard(p.site_a, p.street_a, testing.DOUBLE_PHASE)
    testing.register_hazard(p.site_b, p.street_b, testing.DECANTING)
    testing.register_hazard(zone_site, p.office, testing.HOSE, description="软管老化开裂")
    testing.close_hazard(testing.register_hazard(p.site_a, p.inspector, testing.LPG_STORE), p.enterprise,
                         p.street_a)
    return {"hose_a": hose_a, "market": p.market.department, "street_a": testing.jurisdiction(testing.STREET_A)}


def _queries(world):
    today = clock.today().isoformat()
    return [
        "",
        "q=老化",  # the keyword of the page's search box
        f"q={world['hose_a'].number}",
        "state=open&state=rectifying",
        "state=closed",
        "overdue=false&severity=major",
        f"jurisdiction={testing.STREET_A}",
        f"jurisdiction={world['street_a'].pk}",  # by id as well as by code
        f"unit={world['market'].pk}",  # led by the market authority or helped by it
        "site_type=restaurant&source=inspection",
        f"found_after={today}&found_before={today}",
    ]


def _page(client, query):
    response = client.get(f"/ledger/?{query}")
    assert response.status_code == 200
    return sorted(h.number for h in response.context["page"].object_list)


def _export(client, query):
    response = client.get(f"/ledger/export.xlsx?{query}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0])


def _api(user, query):
    response = testing.api_client(user).get(f"/api/v1/hazards/?{query}")
    assert response.status_code == 200, response.content
    return sorted(h["number"] for h in response.json()["results"])


@pytest.mark.parametrize("who", ["office", "street_a"])
def test_the_same_query_gives_the_same_hazards_on_the_page_the_export_and_the_api(personas, world, who):
    user = getattr(personas, who)
    client = Client()
    client.force_login(user)
    sizes = set()
    for query in _queries(world):
        listed = _page(client, query)
        assert _api(user, query) == listed, query
        assert _export(client, query) == listed, query
        sizes.add(len(listed))
    # The queries cut the ledger differently: not all of them list everything or nothing.
    assert len(sizes) >= 3
