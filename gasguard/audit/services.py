"""Append to and verify the audit chain."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict

from gasguard.utilities import clock

from .models import AuditHead, AuditRecord

GENESIS = "0" * 64


def canonical(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(prev_hash: str, data: str) -> str:
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


def verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first record whose link or content does not hold."""
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
                return VerifyResult(False, checked, rid, "记录内容与哈希不符（记录被修改）")
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
            prev = digest
            checked += 1
            last_id = rid
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.length != checked or head.last_hash != prev):
        return VerifyResult(False, checked, None,
                            f"链头记录{head.length}条，实际{checked}条：链尾的记录被删除")
    return VerifyResult(True, checked)
