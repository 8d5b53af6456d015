"""The ledger list costs the same number of queries for 5 hazards as for 30 (no N+1)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gasguard.testing import DECANTING, DOUBLE_PHASE, HOSE, api_client, make_site, register_hazard

ITEMS = (HOSE, DOUBLE_PHASE, DECANTING)  # different lead units and co-unit lists


def add_hazards(personas, n):
    for i in range(n):
        register_hazard(make_site() if i % 2 else personas.site_b, personas.office, ITEMS[i % len(ITEMS)])


def queries_to_list(client, expected_count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/hazards/")
    assert response.status_code == 200 and response.json()["count"] == expected_count
    assert all(row["co_unit_names"] and row["lead_unit_name"] for row in response.json()["results"])
    return len(queries)


def test_the_hazard_list_takes_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    client = api_client(personas.office)
    add_hazards(personas, 5)
    few = queries_to_list(client, 5)
    add_hazards(personas, 25)
    many = queries_to_list(client, 30)
    assert few == many
    with django_assert_max_num_queries(6):  # token + user, count, page, co-units
        client.get("/api/v1/hazards/")


def test_the_inspection_and_site_lists_too(personas):
    from gasguard.testing import inspect

    client = api_client(personas.office)
    counts = []
    for _ in range(2):
        for _ in range(4):
            inspect(make_site(), personas.office, {HOSE: {"measured_value": "2.5"}})
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/inspections/").status_code == 200
            assert client.get("/api/v1/sites/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
