"""The scope rules themselves (each model's visible_to, org/roles.py), below the API: who may see which site, hazard and inspection."""
from django.contrib.auth.models import AnonymousUser

from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection
from gasguard.org.roles import can_manage_master_data, can_verify
from gasguard.sites.models import Site
from gasguard.testing import (
    STREET_A,
    inspect,
    make_site,
    make_user,
    register_hazard,
    submit_for_verification,
)


def test_nobody_anonymous_sees_anything(personas):
    register_hazard(personas.site_a, personas.inspector)
    anonymous = AnonymousUser()
    assert not Site.objects.visible_to(anonymous).exists()
    assert not Hazard.objects.visible_to(anonymous).exists()
    assert not Inspection.objects.visible_to(anonymous).exists()
    assert not can_verify(anonymous) and not can_manage_master_data(anonymous)


def test_a_street_sees_its_whole_subtree_and_nothing_beside_it(personas):
    community_site = make_site("120116-S01-C2")
    street_site = make_site(STREET_A)
    neighbour = make_site("120116-S02-C1-G1")  # 新北街道
    visible = set(Site.objects.visible_to(personas.street_a).values_list("pk", flat=True))
    assert {community_site.pk, street_site.pk, personas.site_a.pk} <= visible
    assert neighbour.pk not in visible and personas.site_b.pk not in visible


def test_a_community_officer_sees_only_the_community(personas):
    officer = make_user("jurisdiction", jurisdiction_code="120116-S01-C1")
    other_community = make_site("120116-S01-C2-G1")
    assert Site.objects.visible_to(officer).filter(pk=personas.site_a.pk).exists()
    assert not Site.objects.visible_to(officer).filter(pk=other_community.pk).exists()


def test_an_inspector_keeps_sight_of_what_they_found_or_rectified(personas):
    from gasguard.hazards import services

    colleague = make_user("inspector", jurisdiction_code=STREET_A)
    found = register_hazard(personas.site_a, colleague)
    assigned = register_hazard(personas.site_a, personas.office, responsible_user=colleague)
    assigned = submit_for_verification(assigned, colleague)
    assigned = services.verify(assigned, by=personas.street_a, passed=False, note="未整改到位")
    # Handed over to someone else: the one who rectified still sees it (责任倒查).
    services.reassign(assigned, by=personas.street_a, responsible_person="接手人", responsible_user=None)
    other = register_hazard(personas.site_a, personas.office)
    visible = set(Hazard.objects.visible_to(colleague).values_list("pk", flat=True))
    assert visible == {found.pk, assigned.pk}
    assert other.pk not in visible


def test_a_department_inspector_sees_its_own_inspections(personas):
    market_inspector = make_user("inspector", department_name="区市场监管局")
    mine, _ = inspect(personas.site_b, market_inspector)
    theirs, _ = inspect(personas.site_b, personas.market)
    # The site register is shared by the departments.
    assert Site.objects.visible_to(market_inspector).filter(pk=personas.site_a.pk).exists()
    assert set(Inspection.objects.visible_to(market_inspector)) == {mine}
    # The department sees every inspection made in its name, its inspectors' included.
    assert set(Inspection.objects.visible_to(personas.market)) == {mine, theirs}


def test_only_the_office_manages_master_data_and_only_authorities_verify(personas):
    assert [name for name, user in personas.users().items() if can_manage_master_data(user)] == ["office"]
    assert {name for name, user in personas.users().items() if not can_verify(user)} == {"enterprise", "outsider"}
