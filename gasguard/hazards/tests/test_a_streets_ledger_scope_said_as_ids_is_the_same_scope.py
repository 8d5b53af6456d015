"""The ledger and the dashboard say a jurisdiction user's area as a list of place ids (hazards.filtersets.area_ids,
for PostgreSQL's planner). That must be exactly the apps' own rules (visible_to): the same hazards, sites and inspections for
every kind of user — a street, a grid, a zone, a superuser who also has a street, the office, a department, an
enterprise, an inspector."""
from django.db.models import Q

from gasguard import testing
from gasguard.hazards.filtersets import area_ids, visible_q
from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection
from gasguard.sites.models import Site


def test_a_streets_ledger_scope_said_as_ids_is_the_same_scope(personas):
    p = personas
    zone_site = testing.make_site(testing.ZONE_JK_GRID)
    for site in (p.site_a, p.site_b, zone_site):
        testing.inspect(site, p.office)
        testing.register_hazard(site, p.office, testing.DOUBLE_PHASE)
        testing.register_hazard(site, p.inspector, testing.HOSE)
    users = [*p.users().values(),
             testing.make_user("jurisdiction", jurisdiction_code=testing.STREET_A_GRID),
             testing.make_user("jurisdiction", jurisdiction_code=testing.ZONE_JK),
             testing.make_user("jurisdiction", jurisdiction_code=testing.STREET_B, is_superuser=True)]
    assert Hazard.objects.count() >= 6
    seen = set()
    for user in users:
        ids = area_ids(user)
        hazards = set(Hazard.objects.filter(visible_q(user)).values_list("pk", flat=True))
        assert hazards == set(Hazard.objects.visible_to(user).values_list("pk", flat=True)), user.username
        if ids is not None:
            seen.add(user.jurisdiction.code)
            assert (set(Site.objects.filter(jurisdiction_id__in=ids))
                    == set(Site.objects.visible_to(user))), user.username
            assert (set(Inspection.objects.filter(Q(site__jurisdiction_id__in=ids)))
                    == set(Inspection.objects.visible_to(user))), user.username
    # The rule was exercised on places with and without hazards of their own, at three levels.
    assert seen == {testing.STREET_A, testing.STREET_B, testing.STREET_A_GRID, testing.ZONE_JK}
