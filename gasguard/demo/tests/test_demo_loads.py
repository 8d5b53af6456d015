"""`gasguard load_demo` builds a working demo district: every role can log in, the ledger has hazards in every
state (some overdue), the audit chain holds, and running it again with --if-empty changes nothing."""
import pytest
from django.core.management import call_command

from gasguard.audit import services as audit
from gasguard.audit.models import AuditRecord
from gasguard.demo import district as demo
from gasguard.hazards.choices import State
from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection
from gasguard.org.choices import Role
from gasguard.org.models import User
from gasguard.sites.models import Site


@pytest.mark.django_db
def test_demo_loads():
    call_command("load_demo", scale=0.1)

    states = set(Hazard.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Hazard.objects.overdue().exists()
    for role in Role.values:
        assert User.objects.filter(role=role).exists(), role
    for username in ("admin", "office", "scjg", "fire", "swtcj", "tanggu", "hangzhoudao", "teda", "enterprise",
                     "inspector", "inspector2"):
        user = User.objects.get(username=username)
        assert user.full_name and user.check_password(demo.PASSWORD), username
    assert User.objects.get(username="admin").is_superuser
    office = User.objects.get(username="office")
    assert office.is_staff and not office.is_superuser
    # Every inspection is signed by the person who made it.
    assert all(i.signature == i.inspector.display_name for i in Inspection.objects.select_related("inspector"))
    result = audit.verify()
    assert result.ok, result.reason

    counts = (Site.objects.count(), Inspection.objects.count(), Hazard.objects.count(), User.objects.count(),
              AuditRecord.objects.count())
    call_command("load_demo", if_empty=True)
    assert counts == (Site.objects.count(), Inspection.objects.count(), Hazard.objects.count(),
                      User.objects.count(), AuditRecord.objects.count())
