"""Who sees which enterprise (Enterprise.objects.visible_to, the enterprise register's rule on the API): the office and
the departments all of them, a street those of its area, an enterprise itself; the territorial tree and the member
units are read by every signed-in user and by nobody anonymous."""
from django.contrib.auth.models import AnonymousUser

from gasguard.org.models import Department, Enterprise, Jurisdiction


def visible(user, *enterprises):
    return set(Enterprise.objects.visible_to(user).filter(pk__in=[e.pk for e in enterprises]))


def test_each_role_sees_the_enterprises_of_its_scope(personas):
    ours, theirs = personas.site_a.enterprise, personas.site_b.enterprise  # 塘沽街道's, 杭州道街道's
    assert visible(personas.office, ours, theirs) == {ours, theirs}
    assert visible(personas.market, ours, theirs) == {ours, theirs}
    assert visible(personas.street_a, ours, theirs) == {ours}
    assert visible(personas.enterprise, ours, theirs) == {ours}
    assert visible(personas.outsider, ours, theirs) == {theirs}
    assert visible(AnonymousUser(), ours, theirs) == set()


def test_the_territorial_tree_and_the_units_are_read_by_every_signed_in_user(personas):
    for user in personas.users().values():
        assert Jurisdiction.objects.visible_to(user).count() == Jurisdiction.objects.count()
        assert Department.objects.visible_to(user).count() == Department.objects.count()
    assert not Jurisdiction.objects.visible_to(AnonymousUser()).exists()
    assert not Department.objects.visible_to(AnonymousUser()).exists()
