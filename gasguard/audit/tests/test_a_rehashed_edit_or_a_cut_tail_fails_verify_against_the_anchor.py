"""The chain is keyed (HMAC-SHA256, key outside the database) and its head is anchored to an append-only file:
an edit re-hashed forward with plain SHA-256 fails `audit verify`; a cut tail with the head row set back fails
`audit verify --anchor`, naming the missing records; so does a chain rewritten by someone who holds the key; a
clean chain passes; the anchor file only grows."""
import hashlib
import importlib
import json
import os

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from gasguard.audit import services as audit
from gasguard.audit.models import AuditHead, AuditRecord
from gasguard.testing import close_hazard, register_hazard


@pytest.fixture
def trail(personas):
    close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise, personas.street_a)
    register_hazard(personas.site_b, personas.street_b)
    register_hazard(personas.site_a, personas.street_a)
    records = list(AuditRecord.objects.order_by("id"))
    assert len(records) >= 6
    return records


@pytest.fixture
def anchor_file(tmp_path):
    path = tmp_path / "anchor.jsonl"
    with override_settings(AUDIT_ANCHOR_FILE=path):
        yield path


def refusal(*args):
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", *args)
    return str(refused.value)


def rehash_forward(records, start, hasher):
    """What someone with write access to the table does after an edit: recompute every later link and the head."""
    prev = records[start - 1].hash if start else audit.GENESIS
    for rec in AuditRecord.objects.filter(id__gte=records[start].pk).order_by("id"):
        digest = hasher(prev, rec.data)
        AuditRecord.objects.filter(pk=rec.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditHead.objects.filter(pk=1).update(last_hash=prev, length=AuditRecord.objects.count())


def plain_sha256(prev, data):
    return hashlib.sha256((prev + data).encode("utf-8")).hexdigest()


def test_a_clean_chain_passes_with_its_anchor(trail, anchor_file, capsys):
    call_command("audit", "anchor")
    call_command("audit", "verify", "--anchor")
    assert f"已校验 {len(trail)} 条记录，与 1 个锚点一致" in capsys.readouterr().out


def test_an_edit_rehashed_forward_with_plain_sha256_is_named(trail):
    victim = trail[2]
    AuditRecord.objects.filter(pk=victim.pk).update(data=victim.data.replace('"hazard.', '"hazard.x'))
    rehash_forward(trail, 2, plain_sha256)
    message = refusal()
    assert f"#{victim.pk}。" in message and "HMAC" in message, message


def test_a_cut_tail_with_the_head_set_back_is_named_by_the_anchor(trail, anchor_file):
    call_command("audit", "anchor")
    cut = trail[-3:]
    AuditRecord.objects.filter(pk__in=[r.pk for r in cut]).delete()
    AuditHead.objects.filter(pk=1).update(last_hash=trail[-4].hash, length=len(trail) - 3)
    assert audit.verify().ok          # the table alone cannot tell …
    message = refusal("--anchor")     # … the anchor can
    assert f"#{cut[-1].pk} 已不在链中" in message and f"#{cut[0].pk}–#{cut[-1].pk} 被删除" in message, message


def test_a_chain_rewritten_with_the_key_fails_against_an_earlier_anchor(trail, anchor_file):
    call_command("audit", "anchor")
    victim = trail[1]
    AuditRecord.objects.filter(pk=victim.pk).update(data=victim.data.replace("王整改", "李四"))
    rehash_forward(trail, 1, audit.chain_hash)
    assert audit.verify().ok
    message = refusal("--anchor")
    assert f"#{trail[-1].pk}。" in message and "锚定后被改写" in message, message


def test_the_anchor_file_is_appended_never_rewritten(trail, anchor_file, personas):
    first = audit.anchor()
    assert first["id"] == trail[-1].pk and first["hash"] == trail[-1].hash and first["length"] == len(trail)
    before, inode = anchor_file.read_bytes(), os.stat(anchor_file).st_ino
    assert audit.anchor() is None and anchor_file.read_bytes() == before   # the same head: nothing appended
    register_hazard(personas.site_a, personas.inspector)
    second = audit.anchor()
    after = anchor_file.read_bytes()
    assert after.startswith(before) and os.stat(anchor_file).st_ino == inode
    lines = [json.loads(line) for line in after.decode().splitlines()]
    assert [(x["id"], x["hash"]) for x in lines] == [(first["id"], first["hash"]), (second["id"], second["hash"])]
    assert set(lines[0]) == {"at", "id", "hash", "length"}
    call_command("audit", "verify", "--anchor")


def test_the_daily_job_anchors_the_head(trail, anchor_file):
    from gasguard.jobs.schedule import JOBS

    fn, cron = JOBS["audit_anchor"]
    assert fn()["anchored"] == trail[-1].pk and fn()["anchored"] is None
    assert len(anchor_file.read_text().splitlines()) == 1


def test_a_damaged_anchor_file_is_named_by_line(trail, anchor_file):
    call_command("audit", "anchor")
    with open(anchor_file, "a") as f:
        f.write("not json\n")
    assert "第 2 行" in refusal("--anchor")
    anchor_file.unlink()
    assert "锚定文件不存在" in refusal("--anchor")


def test_a_legacy_chain_is_rekeyed_once_and_a_broken_one_is_refused(trail):
    rehash_forward(trail, 0, plain_sha256)            # as the chain was before it was keyed
    assert not audit.verify().ok
    migration = importlib.import_module("gasguard.audit.migrations.0003_rekey_chain_with_hmac")
    migration.rekey(django_apps, None)                # what `migrate` runs, once
    assert audit.verify().ok
    rehash_forward(trail, 0, plain_sha256)
    assert audit.rekey_legacy() == len(trail)
    rehash_forward(trail, 0, plain_sha256)
    victim = AuditRecord.objects.order_by("id")[3]
    AuditRecord.objects.filter(pk=victim.pk).update(data=victim.data + " ")
    with pytest.raises(audit.LegacyChainBroken) as refused:
        audit.rekey_legacy()
    assert refused.value.record_id == victim.pk
    assert AuditRecord.objects.get(pk=trail[0].pk).hash == plain_sha256(audit.GENESIS, trail[0].data)  # untouched


def test_another_key_fails_verify(trail):
    with override_settings(AUDIT_HMAC_KEY="another key"):
        assert not audit.verify().ok
