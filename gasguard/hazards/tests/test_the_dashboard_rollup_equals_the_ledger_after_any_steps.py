"""The dashboard's roll-up (HazardTally) is kept by the services in the hazard's own transaction: after any series of
steps — registrations, rectification, control with new deadlines, submissions, verifications passed and failed,
reassignments, look-back rebounds, refused steps — spread over months, it equals the roll-up computed from the
ledger, and the dashboard drawn from it equals the dashboard counted straight from the ledger, for the office, a
street and a department, today and on a later day."""
from datetime import datetime, timedelta
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gasguard import testing
from gasguard.hazards import services, tally
from gasguard.hazards.models import Hazard, HazardTally, LookBack
from gasguard.utilities import clock
from gasguard.web.views import dashboard

KINDS = ("register", "register", "start", "control", "submit", "verify_pass", "verify_fail", "reassign", "rebound")
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 30), st.integers(0, 45), st.integers(1, 90)),
                 min_size=1, max_size=25)


def run_step(p, kind, pick, advance_days, days):
    hazards = list(Hazard.objects.order_by("pk"))
    hazard = hazards[pick % len(hazards)] if hazards else None
    today = clock.today()
    if kind == "register" or hazard is None:
        site = (p.site_a, p.site_b)[pick % 2]
        item = (testing.HOSE, testing.DOUBLE_PHASE)[(pick // 2) % 2]
        testing.register_hazard(site, p.office, item, deadline=today + timedelta(days=days))
    elif kind == "start":
        services.start_rectification(hazard, by=p.enterprise)
    elif kind == "control":
        services.control(hazard, measures="关阀停用", deadline=today + timedelta(days=days), by=p.street_a)
    elif kind == "submit":
        services.submit(hazard, by=p.enterprise, note="已整改", photos=[testing.png_upload()])
    elif kind in ("verify_pass", "verify_fail"):
        services.verify(hazard, by=p.office, passed=kind == "verify_pass", note="复核")
    elif kind == "reassign":
        services.reassign(hazard, by=p.office, responsible_person="李责任")
    elif kind == "rebound":
        lookback, _ = LookBack.objects.get_or_create(hazard=hazard, month=today.strftime("%Y-%m"))
        services.record_lookback(lookback, by=p.office, rebound=True, note="软管又被加长",
                                 deadline=today + timedelta(days=days))


def direct(user):
    """The dashboard counted straight from the ledger."""
    with mock.patch.object(dashboard, "_tally_split", return_value=None):
        return dashboard.dashboard_data(user)


def comparable(data):
    return {**data, "by_unit": sorted(data["by_unit"], key=lambda u: u["id"])}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(series=steps)
def test_the_rollup_equals_the_ledger_after_any_series_of_steps(personas, series):
    p = personas
    moment = timezone.make_aware(datetime(2024, 1, 20, 10, 0))
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        for kind, pick, advance_days, days in series:
            moment += timedelta(days=advance_days)
            with clock.frozen(moment):
                try:
                    run_step(p, kind, pick, advance_days, days)
                except (ValidationError, PermissionDenied):
                    pass  # a refused step must leave the roll-up as it was, which the comparison below checks

        assert tally.table_contributions() == tally.ledger_contributions()
        for later in (0, 75):
            with clock.frozen(moment + timedelta(days=later)):
                for user in (p.office, p.street_a, p.market, p.fire):
                    assert comparable(dashboard.dashboard_data(user)) == comparable(direct(user)), user.username
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_rebuild_restores_a_rollup_that_was_lost(personas):
    p = personas
    first = testing.register_hazard(p.site_a, p.inspector)
    testing.close_hazard(first, rectifier=p.enterprise, verifier=p.street_a)
    testing.register_hazard(p.site_b, p.inspector, testing.DOUBLE_PHASE)
    expected = tally.ledger_contributions()
    assert tally.table_contributions() == expected
    HazardTally.objects.all().delete()
    assert tally.table_contributions() == {}
    assert tally.rebuild() == len(expected)
    assert tally.table_contributions() == expected
