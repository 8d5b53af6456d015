"""Running the alarm rules: on each committed batch of new readings (apply_rules, inside the ingest transaction),
and periodically for silence (check_silence)."""
import time
from collections import defaultdict

from django.db import transaction

from gasguard.utilities import clock

from . import rules as r
from .choices import AlarmState, DeviceState, RuleType

_rules_cache: tuple[float, list] = (0.0, [])
RULES_TTL_S = 10.0


def reset_cache():
    global _rules_cache
    _rules_cache = (0.0, [])


def active_rules() -> list:
    """The active rules, re-read every few seconds so edits take effect without a restart."""
    global _rules_cache
    from .models import AlarmRule

    at, cached = _rules_cache
    if time.monotonic() - at > RULES_TTL_S:
        cached = list(AlarmRule.objects.filter(is_active=True).order_by("id"))
        _rules_cache = (time.monotonic(), cached)
    return cached


def apply_rules(new_rows, kinds: dict[int, str]) -> int:
    """Evaluate the rules that watch the metrics in `new_rows` (device_id, metric, ts, value); returns the number
    of alarms raised. Rule states are locked in (device, rule) order, so concurrent ingesters that received
    readings of the same device take turns and never raise two alarms for one breach."""
    from .models import Alarm, Device, RuleState
    from .services import clear, raise_or_refresh

    series = defaultdict(lambda: defaultdict(list))
    for device_id, metric, ts, value in new_rows:
        series[device_id][metric].append((ts, value))
    rules = [rule for rule in active_rules() if rule.rule_type != RuleType.SILENCE]
    pairs = {(d, rule.pk) for d, metrics in series.items() for rule in rules
             if rule.metric in metrics and rule.applies_to(kinds.get(d, ""))}
    raised = 0
    # The open alarms not yet recovered, in one query: most batches have none, and then nothing is cleared.
    open_alarms = {(a.device_id, a.alarm_type): a for a in Alarm.objects.active().filter(
        device_id__in=list(series), cleared_at=None)}
    if pairs:
        by_rule = {rule.pk: rule for rule in rules}
        device_ids = sorted({d for d, _ in pairs})
        rule_ids = sorted({rid for _, rid in pairs})
        have = set(RuleState.objects.filter(device_id__in=device_ids, rule_id__in=rule_ids)
                   .values_list("device_id", "rule_id"))
        missing = pairs - have
        if missing:
            RuleState.objects.bulk_create([RuleState(device_id=d, rule_id=rid) for d, rid in sorted(missing)],
                                          ignore_conflicts=True)
        states = [s for s in RuleState.objects.select_for_update()
                  .filter(device_id__in=device_ids, rule_id__in=rule_ids).order_by("device_id", "rule_id")
                  if (s.device_id, s.rule_id) in pairs]
        devices = {}
        changed = []
        for state in states:
            rule = by_rule[state.rule_id]
            before = (state.breach_started_at, state.last_ts, state.last_value)
            out = r.evaluate(rule, state, sorted(series[state.device_id][rule.metric]))
            if (state.breach_started_at, state.last_ts, state.last_value) != before:
                changed.append(state)
            key = (state.device_id, rule.code)
            if out.raise_at is not None:
                if state.device_id not in devices:
                    devices[state.device_id] = Device.objects.select_related("site").get(pk=state.device_id)
                alarm, created = raise_or_refresh(device=devices[state.device_id], rule=rule, value=out.value,
                                                  ts=out.raise_at, first_ts=out.first_ts, hits=out.hits)
                open_alarms[key] = alarm
                raised += created
            if out.clear_at is not None and key in open_alarms:
                clear(open_alarms.pop(key), ts=out.clear_at)
        if changed:
            _save_states(changed)
    # A device heard from again: its silence alarm recovers.
    for (device_id, alarm_type), alarm in list(open_alarms.items()):
        if alarm_type == "silence":
            clear(alarm, ts=max(ts for rows in series[device_id].values() for ts, _ in rows))
    return raised


def _save_states(states):
    from django.db import connection

    adapt = (lambda v: v) if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.executemany("UPDATE monitoring_rulestate SET breach_started_at = %s, last_ts = %s, last_value = %s "
                        "WHERE id = %s",
                        [(adapt(s.breach_started_at) if s.breach_started_at else None,
                          adapt(s.last_ts) if s.last_ts else None, s.last_value, s.pk) for s in states])


def check_silence(*, now=None) -> dict:
    """Raise a silence alarm for every active device not heard from for the rule's number of its reporting
    intervals, and mark it offline. Safe to run any number of times: an open silence alarm is left as it is."""
    from .models import Alarm, Device
    from .services import _set_device_state, raise_or_refresh

    now = now or clock.now()
    raised = checked = 0
    for rule in [x for x in active_rules() if x.rule_type == RuleType.SILENCE]:
        silent_already = set(Alarm.objects.active().filter(alarm_type=rule.code, cleared_at=None)
                             .values_list("device_id", flat=True))
        for device in Device.objects.filter(is_active=True).exclude(pk__in=silent_already).iterator():
            if not rule.applies_to(device.kind):
                continue
            checked += 1
            since = device.last_seen_at or device.created_at
            if (now - since).total_seconds() < rule.intervals * device.interval_s:
                continue
            with transaction.atomic():
                raise_or_refresh(device=device, rule=rule, value=None, ts=now, first_ts=since)
                _set_device_state(device.pk, DeviceState.OFFLINE)
            raised += 1
    return {"checked": checked, "raised": raised, "state": AlarmState.RAISED.value}
