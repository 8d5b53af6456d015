"""Each role's lists show exactly its slice (DESIGN.md 'Who uses it'): the office everything; a street its
subtree; a department the hazards it leads or helps with and its own inspections; an inspector what they found or
are assigned; an enterprise its own sites, hazards and inspections."""
import pytest

from gasguard.testing import (
    DECANTING,
    DOUBLE_PHASE,
    HOSE,
    ZONE_JK_GRID,
    api_client,
    inspect,
    make_site,
    register_hazard,
)


@pytest.fixture
def world(personas):
    p = personas
    site_z = make_site(ZONE_JK_GRID, name="经开区小馆")
    i_a, (h_a1,) = inspect(p.site_a, p.inspector, {HOSE: {"measured_value": "2.5"}})
    i_a2, (h_a2,) = inspect(p.site_a, p.street_a, {DOUBLE_PHASE: {"result": "fail"}})
    i_b, (h_b1,) = inspect(p.site_b, p.street_b, {DECANTING: {"result": "fail"}})
    i_joint, _ = inspect(p.site_b, p.market, kind="joint", departments_present=[p.fire.department])
    h_b2 = register_hazard(p.site_b, p.office, HOSE, responsible_user=p.inspector)
    h_z = register_hazard(site_z, p.office, HOSE)
    return {
        "sites": {"a": p.site_a.pk, "b": p.site_b.pk, "z": site_z.pk},
        "hazards": {"a1": h_a1.pk, "a2": h_a2.pk, "b1": h_b1.pk, "b2": h_b2.pk, "z": h_z.pk},
        "inspections": {"a": i_a.pk, "a2": i_a2.pk, "b": i_b.pk, "joint": i_joint.pk},
    }


# persona: (sites, hazards, inspections), by the names given in `world`
EXPECTED = {
    "office": ("a b z", "a1 a2 b1 b2 z", "a a2 b joint"),
    "street_a": ("a", "a1 a2", "a a2"),
    "street_b": ("b", "b1 b2", "b joint"),
    "market": ("a b z", "a2 b1", "joint"),       # leads a2 (气液双相瓶), helps with b1 (倒灌)
    "fire": ("a b z", "a1 b2", "joint"),         # the district brigade: not 经开区's hazard z
    "inspector": ("a", "a1 b2", "a"),            # found a1, is responsible for b2
    "enterprise": ("a", "a1 a2", "a a2"),
    "outsider": ("b", "b1 b2", "b joint"),
}


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_role_lists_exactly_what_it_may_see(personas, world, persona):
    client = api_client(getattr(personas, persona))
    for kind, expected in zip(("sites", "hazards", "inspections"), EXPECTED[persona], strict=True):
        names = {pk: name for name, pk in world[kind].items()}
        seen = {names.get(pk, f"#{pk}") for pk in listed(client, f"/api/v1/{kind}/")}
        assert seen == set(expected.split()), f"{persona} {kind}"


def test_the_department_filter_of_the_ledger_matches_its_scope(personas, world):
    market = personas.market.department_id
    office = api_client(personas.office)
    assert listed(office, f"/api/v1/hazards/?unit={market}") == {world["hazards"]["a2"], world["hazards"]["b1"]}
    assert listed(office, "/api/v1/hazards/?jurisdiction=120116-S01") == {world["hazards"]["a1"],
                                                                           world["hazards"]["a2"]}
