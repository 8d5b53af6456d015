"""The inspectors' signals (page, API, reminders) and the id checks of a station's offline upload read in a fixed
number of queries: more flagged stations, more cylinders ending soon or a longer batch do not add queries."""
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gasguard.cylinders import services, signals
from gasguard.cylinders.models import Cylinder, GateCheck
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


def flagged_station(rival):
    """A company whose station tries another's cylinders (3×) and a scrapped one (2×), and sells a cylinder whose
    inspection falls due within the month (a reminder to the owner and the buyer)."""
    co = helpers.gas_company()
    theirs, scrapped = helpers.cylinder(rival), helpers.cylinder(co)
    services.change_status(scrapped, to_status="scrapped", reason="腐蚀", by=co.user)
    for code in [theirs.code] * 3 + [scrapped.code] * 2:
        helpers.gate(co, code)
    due = helpers.cylinder(co)
    helpers.fill(co, due)
    helpers.sell(co, helpers.person(co), [due])
    Cylinder.objects.filter(pk=due.pk).update(next_inspection_due=clock.today() + timedelta(days=20))
    return co


def test_the_signals_take_the_same_queries_for_one_flagged_station_as_for_four(rival, personas, client):
    client.force_login(personas.office)
    flagged_station(rival)
    one, data = queries(signals.all_signals)
    assert len(data["repeated_refusals"]) == 1 and len(data["stations_filling_others"]) == 1
    page_one, _ = queries(lambda: client.get("/cylinders/signals/"))
    reminders_one, queued = queries(signals.queue_reminders)
    assert queued == 2

    for _ in range(3):
        flagged_station(rival)
    four, data = queries(signals.all_signals)
    assert len(data["repeated_refusals"]) == 4 and len(data["stations_filling_others"]) == 4
    assert all(len(s["codes"]) == 3 for s in data["stations_filling_others"])
    assert all({r["code"]: r["count"] for r in s["by_reason"]} == {"not_own": 3, "scrapped": 2}
               for s in data["repeated_refusals"])
    assert four == one
    page_four, response = queries(lambda: client.get("/cylinders/signals/"))
    assert response.status_code == 200 and page_four == page_one
    reminders_four, queued = queries(signals.queue_reminders)
    assert queued == 6 and reminders_four == reminders_one


def test_the_evidence_is_each_stations_latest_codes(gas, rival):
    theirs = [helpers.cylinder(rival) for _ in range(12)]
    t0 = clock.now() - timedelta(hours=1)
    for n, cyl in enumerate(theirs):
        helpers.gate(gas, cyl.code, checked_at=t0 + timedelta(minutes=n))
    [signal] = signals.stations_filling_others()
    assert signal["attempts"] == 12 and signal["codes"] == [c.code for c in reversed(theirs)][:10]
    [refusals] = signals.repeated_refusals()
    assert [r["code"] for r in refusals["latest"]] == signal["codes"]


def records(gas, n):
    t0 = clock.now() - timedelta(hours=2)
    out = []
    for i in range(n):
        cyl = helpers.cylinder(gas)
        check = str(uuid.uuid4())
        out.append({"type": "gate_check", "client_id": check, "code": cyl.code,
                    "checked_at": (t0 + timedelta(minutes=i)).isoformat()})
        out.append({"type": "filling", "client_id": str(uuid.uuid4()), "gate_check": check, "code": cyl.code,
                    "operator": gas.operator.pk, "net_weight_kg": "14.5", "pre_checks": helpers.ALL_PASS_PRE,
                    "post_checks": helpers.ALL_PASS_POST, "filled_at": (t0 + timedelta(minutes=i, seconds=30)).isoformat()})
    return out


def test_a_batch_uploaded_again_is_checked_in_the_same_queries_whatever_its_length(gas):
    short, long = records(gas, 2), records(gas, 10)
    for batch in (short, long):
        results = services.upload_offline_batch(station=gas.station, records=batch, by=gas.user)
        assert {r.outcome for r in results} == {"created"}
    again_short, results = queries(lambda: services.upload_offline_batch(station=gas.station, records=short,
                                                                         by=gas.user))
    assert [r.outcome for r in results] == ["duplicate"] * 4
    again_long, results = queries(lambda: services.upload_offline_batch(station=gas.station, records=long,
                                                                        by=gas.user))
    assert [r.outcome for r in results] == ["duplicate"] * 20
    assert results[0].allowed is True and results[1].allowed is None
    assert again_long == again_short <= 3


def test_the_same_id_twice_in_one_batch_is_added_once(gas, rival):
    cyl = helpers.cylinder(gas)
    record = {"type": "gate_check", "client_id": str(uuid.uuid4()), "code": cyl.code,
              "checked_at": clock.now().isoformat()}
    results = services.upload_offline_batch(station=gas.station, records=[record, dict(record)], by=gas.user)
    assert [r.outcome for r in results] == ["created", "duplicate"] and results[0].id == results[1].id
    assert GateCheck.objects.filter(client_id=record["client_id"]).count() == 1
    # Another station's upload of that id is refused, not taken over.
    [other] = services.upload_offline_batch(station=rival.station, records=[record], by=rival.user)
    assert other.outcome == "rejected" and "client_id" in other.errors
