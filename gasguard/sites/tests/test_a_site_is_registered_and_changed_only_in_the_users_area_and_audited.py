"""The site register's verbs (sites.services) hold the rules whoever calls them, the API or an import: a street
registers and edits sites of its own area only, puts a site under an enterprise of its own area only (an existing
link may stay), and each change is signed in the audit trail; a refused one writes nothing."""
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gasguard.audit.models import AuditRecord
from gasguard.sites import services
from gasguard.sites.models import Site
from gasguard.testing import STREET_A_GRID, STREET_B_GRID, jurisdiction, make_enterprise


def fields(code=STREET_A_GRID, **more):
    return {"name": "新开饭店", "site_type": "restaurant", "fuel": "lpg", "jurisdiction": jurisdiction(code), **more}


def test_a_street_registers_a_site_of_its_area_and_the_trail_says_who(personas):
    site = services.register_site(by=personas.street_a, **fields(enterprise=personas.site_a.enterprise))
    record = AuditRecord.objects.get(action="site.create", object_id=str(site.pk))
    assert record.actor == personas.street_a and json.loads(record.data)["after"]["name"] == "新开饭店"


@pytest.mark.parametrize("persona", ["street_b", "market", "inspector", "enterprise", "outsider"])
def test_nobody_else_registers_a_site_in_street_a(personas, persona):
    sites, records = Site.objects.count(), AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        services.register_site(by=getattr(personas, persona), **fields())
    assert (Site.objects.count(), AuditRecord.objects.count()) == (sites, records)


def test_a_street_neither_moves_its_site_out_of_its_area_nor_under_another_areas_enterprise(personas):
    site, theirs = personas.site_a, personas.site_b.enterprise
    with pytest.raises(PermissionDenied):
        services.update_site(site, by=personas.street_a, jurisdiction=jurisdiction(STREET_B_GRID))
    with pytest.raises(ValidationError) as refused:
        services.update_site(site, by=personas.street_a, enterprise=theirs)
    assert theirs.name in refused.value.message_dict["enterprise"][0]
    assert Site.objects.get(pk=site.pk).enterprise_id == personas.site_a.enterprise_id
    assert not AuditRecord.objects.filter(action="site.update", object_id=str(site.pk)).exists()


def test_the_office_links_across_areas_and_the_street_still_edits_the_site(personas):
    site, theirs = personas.site_a, personas.site_b.enterprise
    services.update_site(site, by=personas.office, enterprise=theirs)
    site = services.update_site(Site.objects.get(pk=site.pk), by=personas.street_a, enterprise=theirs,
                                contact_person="新店长")
    assert (site.enterprise_id, site.contact_person) == (theirs.pk, "新店长")
    record = AuditRecord.objects.filter(action="site.update", object_id=str(site.pk)).latest("id")
    data = json.loads(record.data)
    assert data["before"]["contact_person"] != "新店长" and data["after"]["contact_person"] == "新店长"


def test_an_import_of_many_sites_follows_the_same_rules(personas):
    ours, theirs = make_enterprise("塘沽新店餐饮公司"), personas.site_b.enterprise
    rows = [{**fields(), "name": f"饭店{n}", "enterprise_id": ours.pk} for n in range(3)]
    assert len(services.import_sites(rows, by=personas.street_a)) == 3
    with pytest.raises(ValidationError):
        services.import_sites([{**fields(), "enterprise_id": theirs.pk}], by=personas.street_a)
    with pytest.raises(PermissionDenied):
        services.import_sites([fields(STREET_B_GRID)], by=personas.street_a)
