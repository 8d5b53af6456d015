"""Append to, verify, anchor and re-key the audit chain.

Each record's hash is HMAC-SHA256, under a key kept outside the database (settings.AUDIT_HMAC_KEY), of the previous
record's hash and the record's canonical JSON: whoever can write the table but lacks the key cannot re-hash an edit
forward. The chain's head is exported to an append-only anchor file (`anchor()`), so a cut tail, or a chain
rewritten by someone holding the key, no longer matches what was anchored."""
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from gasguard.utilities import clock

from .models import AuditHead, AuditRecord

GENESIS = "0" * 64


def canonical(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=4)
def _keyed(key: str):
    return hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)


def _mac():
    return _keyed(settings.AUDIT_HMAC_KEY)


def chain_hash(prev_hash: str, data: str) -> str:
    """HMAC-SHA256 of the previous hash and the record's canonical JSON (a copy of the keyed state: no key set-up
    per record)."""
    mac = _mac().copy()
    mac.update((prev_hash + data).encode("utf-8"))
    return mac.hexdigest()


def legacy_hash(prev_hash: str, data: str) -> str:
    """The chain's hash before it was keyed: plain SHA-256 (read once by `rekey_legacy`)."""
    return hashlib.sha256((prev_hash + data).encode("utf-8")).hexdigest()


def snapshot(obj, exclude=()) -> dict:
    """The object's fields as plain JSON-able data (many-to-many as sorted id lists)."""
    data = model_to_dict(obj, exclude=exclude)
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = sorted(getattr(v, "pk", v) for v in value)
        elif hasattr(value, "name") and hasattr(value, "url"):  # files
            data[key] = value.name or ""
    if getattr(obj, "pk", None) is not None:
        data["id"] = obj.pk
    return json.loads(canonical(data))


def record(action: str, obj=None, *, actor=None, before=None, after=None, object_type=None, object_id=None,
           extra=None) -> AuditRecord:
    """Append one record to the chain. Must run inside the caller's transaction, so it commits or rolls back with
    the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the transaction of the change")
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS, "length": 0})
        head = AuditHead.objects.select_for_update().get(pk=1)
    now = clock.now()
    object_type = object_type or (obj._meta.label_lower if obj is not None else "")
    object_id = str(object_id if object_id is not None else (obj.pk if obj is not None else ""))
    payload = {
        "at": now.isoformat(),
        "actor": actor.pk if actor else None,
        "actor_name": str(actor) if actor else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
    }
    if extra:
        payload["extra"] = extra
    data = canonical(payload)
    digest = chain_hash(head.last_hash, data)
    rec = AuditRecord.objects.create(at=now, actor=actor, action=action, object_type=object_type,
                                     object_id=object_id, data=data, prev_hash=head.last_hash, hash=digest)
    head.last_hash = digest
    head.length += 1
    head.save(update_fields=["last_hash", "length"])
    return rec


def save_changes(obj, action: str, *, actor, **fields):
    """Set `fields` on `obj`, save it, and record `action` with the object before and after, inside the caller's
    transaction (as record())."""
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    record(action, obj, actor=actor, before=before, after=snapshot(obj))
    return obj


def _instant(value):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


class AnchorFileError(ValueError):
    """The anchor file cannot be read as lines of {"at", "id", "hash"}."""


@dataclass(frozen=True)
class Anchor:
    at: str
    id: int
    hash: str
    line: int


def read_anchors(path) -> list[Anchor]:
    """The anchor file's entries, in the order they were appended; a line that is not an anchor is an error that
    names the line (a damaged anchor file must not pass for an empty one)."""
    anchors = []
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise AnchorFileError(f"锚定文件不存在：{path}")
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                anchors.append(Anchor(str(doc["at"]), int(doc["id"]), str(doc["hash"]), n))
            except (ValueError, TypeError, KeyError):
                raise AnchorFileError(f"锚定文件 {path} 第 {n} 行不是有效的锚点（应为含 at、id、hash 的 JSON）")
    return anchors


def verify(batch_size: int = 5000, anchors: list[Anchor] | None = None) -> VerifyResult:
    """Walk the chain in order; name the first record whose link, keyed hash or content does not hold. With
    `anchors` (read_anchors), also every anchored record must still be there with the hash it was anchored with."""
    anchored = {}
    for a in anchors or ():
        anchored.setdefault(a.id, a)
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")
                    .values_list("id", "at", "actor_id", "action", "object_type", "object_id", "data",
                                 "prev_hash", "hash")[:batch_size])
        if not rows:
            break
        for rid, at, actor_id, action, otype, oid, data, prev_hash, digest in rows:
            if prev_hash != prev:
                return VerifyResult(False, checked, rid, "上一条记录的哈希不符（其前的记录被删除或修改）")
            if chain_hash(prev_hash, data) != digest:
                return VerifyResult(False, checked, rid, "记录内容与密钥哈希（HMAC）不符（记录被修改）")
            try:
                payload = json.loads(data)
            except ValueError:
                return VerifyResult(False, checked, rid, "记录内容不是有效的JSON")
            columns = {"actor": actor_id, "action": action, "object_type": otype, "object_id": oid, "at": at}
            stored = {k: payload.get(k) for k in columns}
            # The same instant, whatever the offset it was signed in (a replayed clock may be local time).
            stored["at"] = _instant(stored["at"])
            if stored != columns:
                changed = [k for k in columns if stored[k] != columns[k]]
                return VerifyResult(False, checked, rid, f"字段与已签内容不符：{', '.join(changed)}")
            a = anchored.pop(rid, None)
            if a is not None and a.hash != digest:
                return VerifyResult(False, checked, rid,
                                    f"与 {a.at} 的锚点（锚定文件第 {a.line} 行）记下的哈希不符：记录在锚定后被改写")
            prev = digest
            checked += 1
            last_id = rid
    if anchored:
        # Anchored records the chain no longer has: its tail was cut (and the head row set back to hide it).
        a = max(anchored.values(), key=lambda x: x.id)
        missing = sorted(anchored)
        tail = f"#{last_id + 1}–#{a.id}" if last_id < a.id else f"#{missing[0]}"
        return VerifyResult(False, checked, None,
                            f"{a.at} 的锚点（锚定文件第 {a.line} 行）记下的记录 #{a.id} 已不在链中"
                            f"（链中最后一条为 #{last_id}）：链尾 {tail} 被删除")
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.length != checked or head.last_hash != prev):
        return VerifyResult(False, checked, None,
                            f"链头记录{head.length}条，实际{checked}条：链尾的记录被删除")
    return VerifyResult(True, checked)


def anchor(path=None) -> dict | None:
    """Append the chain's head (time, last record's id and hash, length) as one JSON line to the anchor file,
    opened for appending only: earlier lines are never rewritten. Nothing is appended when the chain is empty or
    the last line already names this head (a second run the same day changes nothing)."""
    path = Path(path or settings.AUDIT_ANCHOR_FILE)
    last = AuditRecord.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return None
    rid, digest = last
    previous = _last_line(path)
    if previous and previous.get("id") == rid and previous.get("hash") == digest:
        return None
    entry = {"at": timezone.now().isoformat(), "id": rid, "hash": digest,
             "length": AuditRecord.objects.filter(id__lte=rid).count()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return entry


def _last_line(path: Path) -> dict | None:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4096))
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
    except FileNotFoundError:
        return None
    try:
        return json.loads(lines[-1]) if lines else None
    except ValueError:
        return None


class LegacyChainBroken(RuntimeError):
    def __init__(self, record_id):
        self.record_id = record_id
        super().__init__(f"审计链（重新签名前的 SHA-256 链）在记录 #{record_id} 处已断开：不能在其上重新签名。"
                         f"请先保留数据库副本并查明原因。")


def rekey_legacy(record_model=AuditRecord, head_model=AuditHead, batch_size: int = 2000) -> int:
    """Once, when the chain becomes keyed: check every record against the plain SHA-256 chain it was written
    with, then re-hash the whole chain with the HMAC key, in one transaction. A chain already broken is refused
    (LegacyChainBroken names the record), so re-keying never launders an edit. Returns the records re-keyed."""
    with transaction.atomic():
        head = head_model.objects.select_for_update().filter(pk=1).first()
        old_prev, new_prev = GENESIS, GENESIS
        done, last_id = 0, 0
        while True:
            rows = list(record_model.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
            if not rows:
                break
            for rec in rows:
                if rec.prev_hash != old_prev or legacy_hash(rec.prev_hash, rec.data) != rec.hash:
                    raise LegacyChainBroken(rec.pk)
                old_prev = rec.hash
                rec.prev_hash = new_prev
                rec.hash = new_prev = chain_hash(new_prev, rec.data)
            record_model.objects.bulk_update(rows, ["prev_hash", "hash"])
            done += len(rows)
            last_id = rows[-1].pk
        if head is not None:
            if head.last_hash != old_prev or head.length != done:
                raise LegacyChainBroken(last_id)
            head.last_hash = new_prev
            head.save(update_fields=["last_hash"])
    return done
