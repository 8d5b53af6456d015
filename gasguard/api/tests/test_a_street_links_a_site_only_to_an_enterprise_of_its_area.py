"""A street keeps the sites of its area, but does not hand one to an enterprise of another area: 塘沽街道 moving its
restaurant under 杭州道's company gets a 400 naming the company and its area, and nothing changes; an enterprise of
its own area is fine, an existing link may stay as it is, and the office links across areas."""
from gasguard.sites.models import Site
from gasguard.testing import STREET_A, api_client, make_enterprise, nothing_changes


def test_a_street_cannot_move_its_site_to_another_area_s_enterprise(personas):
    site = personas.site_a
    other = personas.site_b.enterprise  # 杭州道街道
    url = f"/api/v1/sites/{site.pk}/"
    with nothing_changes():
        r = api_client(personas.street_a).patch(url, {"enterprise": other.pk}, format="json")
    assert r.status_code == 400
    assert other.name in r.json()["enterprise"][0] and "杭州道街道" in r.json()["enterprise"][0]
    assert Site.objects.get(pk=site.pk).enterprise_id == site.enterprise_id

    ours = make_enterprise("塘沽另一家餐饮公司", STREET_A)
    assert api_client(personas.street_a).patch(url, {"enterprise": ours.pk}, format="json").status_code == 200
    assert api_client(personas.office).patch(url, {"enterprise": other.pk}, format="json").status_code == 200
    # Now linked across areas by the office, the street may still edit the site's other fields.
    r = api_client(personas.street_a).patch(url, {"contact_person": "新店长"}, format="json")
    assert r.status_code == 200 and Site.objects.get(pk=site.pk).enterprise_id == other.pk


def test_nor_create_one_under_it(personas):
    other = personas.site_b.enterprise
    with nothing_changes():
        r = api_client(personas.street_a).post("/api/v1/sites/", {
            "name": "新饭店", "site_type": "restaurant", "jurisdiction": personas.site_a.jurisdiction_id,
            "enterprise": other.pk, "fuel": "lpg"}, format="json")
    assert r.status_code == 400 and "enterprise" in r.json()
