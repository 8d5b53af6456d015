"""checklist_for(site) gives the items for the site's type and attributes, and nothing else."""
from gasguard.catalog.models import CheckItem
from gasguard.catalog.services import checklist_for
from gasguard.testing import ENTERPRISE_ONLY, HOSE, LPG_STORE, PIPELINE_ONLY, make_site


def codes(site):
    return [item.code for item in checklist_for(site)]


def test_a_restaurant_on_lpg_gets_its_own_checklist(db):
    checklist = codes(make_site(fuel="lpg"))
    assert HOSE in checklist and LPG_STORE in checklist
    assert PIPELINE_ONLY not in checklist      # pipeline segments only
    assert ENTERPRISE_ONLY not in checklist    # gas enterprises only
    assert "P2.4.2-01" not in checklist        # LPG in high-rise / underground kitchens: not an ordinary building
    assert "P2.4.4-01" not in checklist        # crowded places only
    assert len(checklist) == len(set(checklist))
    # Every item on it is a restaurant item; in catalog order.
    items = CheckItem.objects.filter(code__in=checklist)
    assert all("restaurant" in item.site_types for item in items)
    assert checklist == [i.code for i in sorted(items, key=lambda i: (i.order, i.code))]


def test_the_checklist_follows_the_sites_attributes(db):
    on_pipeline_gas = codes(make_site(fuel="pipeline_gas"))
    assert HOSE in on_pipeline_gas
    assert LPG_STORE not in on_pipeline_gas    # an LPG-only item
    underground = codes(make_site(fuel="lpg", building="underground"))
    assert "P2.4.2-01" in underground
    crowded = codes(make_site(fuel="lpg", crowded_place=True))
    assert "P2.4.4-01" in crowded
    assert set(codes(make_site(fuel="lpg"))) < set(crowded)


def test_a_pipeline_segment_gets_none_of_the_restaurant_items(db):
    checklist = codes(make_site(site_type="pipeline_segment", fuel="none"))
    assert PIPELINE_ONLY in checklist
    assert HOSE not in checklist and ENTERPRISE_ONLY not in checklist
