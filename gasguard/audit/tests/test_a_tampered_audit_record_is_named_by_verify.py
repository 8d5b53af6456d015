"""`gasguard audit verify` walks the hash chain: it passes on an untouched trail and names the first record that
was edited, whose column was changed, or that follows a deleted one; a cut tail is caught by the chain head."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gasguard.audit import services as audit
from gasguard.audit.models import AuditRecord
from gasguard.hazards import services
from gasguard.testing import close_hazard, register_hazard
from gasguard.utilities import clock


@pytest.fixture
def trail(personas):
    """A few records of real ledger work: register, start, submit, verify."""
    close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise, personas.street_a)
    register_hazard(personas.site_b, personas.street_b)
    records = list(AuditRecord.objects.order_by("id"))
    assert len(records) >= 5
    return records


def refusal():
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    return str(refused.value)


def names(message, record):
    return re.search(rf"#{record.pk}(?!\d)", message)


def test_an_untouched_trail_verifies(trail, capsys):
    call_command("audit", "verify")
    assert f"已校验 {len(trail)} 条记录" in capsys.readouterr().out
    assert audit.verify().ok


def test_an_edited_record_is_named(trail):
    victim = trail[2]
    AuditRecord.objects.filter(pk=victim.pk).update(data=victim.data.replace('"hazard.', '"hazard.x'))
    message = refusal()
    assert names(message, victim), message
    assert "记录被修改" in message


def test_an_edited_record_is_named_after_a_raw_sql_update_too(trail):
    victim = trail[1]
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET data = %s WHERE id = %s", [victim.data.replace("王整改", "李四"), victim.pk])
    assert names(refusal(), victim)


def test_an_edited_column_is_named(trail):
    victim = trail[3]
    AuditRecord.objects.filter(pk=victim.pk).update(actor=None)
    message = refusal()
    assert names(message, victim) and "actor" in message


def test_an_edited_time_is_named(trail):
    victim = trail[2]
    AuditRecord.objects.filter(pk=victim.pk).update(at=victim.at - timedelta(seconds=1))
    message = refusal()
    assert names(message, victim) and "at" in message


def test_the_record_after_a_deleted_one_is_named(trail):
    AuditRecord.objects.filter(pk=trail[2].pk).delete()
    message = refusal()
    assert names(message, trail[3]), message


def test_a_cut_tail_is_caught(trail):
    AuditRecord.objects.filter(pk=trail[-1].pk).delete()
    message = refusal()
    assert "链尾" in message


def test_a_rehashed_forgery_is_still_caught_by_the_next_link(trail):
    # Someone edits a record and recomputes its own hash: the next record's prev_hash no longer matches.
    victim = trail[1]
    forged = victim.data.replace("王整改", "李四")
    AuditRecord.objects.filter(pk=victim.pk).update(data=forged, hash=audit.chain_hash(victim.prev_hash, forged))
    assert names(refusal(), trail[2])


def test_records_written_on_a_replayed_clock_verify(personas):
    # The demo replays a campaign's history with clock.frozen(); a local-time instant must verify like a UTC one.
    at = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0) - timedelta(days=30)
    with clock.frozen(at):
        hazard = register_hazard(personas.site_a, personas.inspector)
        services.start_rectification(hazard, by=personas.enterprise)
    result = audit.verify()
    assert result.ok, result.reason
