"""Running the alarm rules: on each committed batch of new readings (apply_rules, inside the ingest transaction),
and periodically for silence (check_silence)."""
import json
import time
from collections import defaultdict
from datetime import timedelta

import numpy as np
from django.db import transaction

from gasguard.utilities import clock

from . import rules as r
from .choices import AlarmState, DeviceState, RuleType
from .columns import from_us, to_us

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
    """Evaluate the rules that watch the metrics in `new_rows` (a columns.Readings); returns the number of alarms
    raised.

    Vectorised per batch: almost every reading is quiet (no rule can change anything), so only the devices that
    need it do database work — a reading that breaches a rule (or, for a rate rule, is high enough to be a rise),
    a device with a breach in progress (a duration timer running, repeated breaches counted), or a device with an
    open alarm that has not recovered. Their rule states are locked in (device, rule) order, so concurrent
    ingesters that received readings of the same device take turns and never raise two alarms for one breach; the
    state's last reading is taken from the readings table (the committed truth, whichever ingester stored it)."""
    from .models import Alarm, Device, RuleState
    from .services import clear, raise_or_refresh

    order, starts = new_rows.groups()
    group_device = new_rows.device[order][starts].tolist()
    group_metric = [new_rows.names[m] for m in new_rows.metric[order][starts].tolist()]
    values = new_rows.value[order]
    group_lo, group_hi = np.minimum.reduceat(values, starts).tolist(), np.maximum.reduceat(values, starts).tolist()
    ends = np.append(starts[1:], len(order)).tolist()
    starts = starts.tolist()
    rules = [rule for rule in active_rules() if rule.rule_type != RuleType.SILENCE]
    by_metric = defaultdict(list)
    for rule in rules:
        by_metric[rule.metric].append(rule)
    open_keys, in_breach = _watch_lists(sorted(set(group_device)))
    open_devices = {d for d, _ in open_keys}
    pairs = set()
    by_watch = defaultdict(list)   # (device kind, metric) → its groups
    for g, (d, metric) in enumerate(zip(group_device, group_metric, strict=True)):
        by_watch[kinds.get(d, ""), metric].append(g)
    with_state = open_devices | {d for d, _ in in_breach}
    for (kind, metric), gs in by_watch.items():
        watching = [rule for rule in by_metric.get(metric, ()) if rule.applies_to(kind)]
        if not watching:
            continue
        lo, hi = min(group_lo[g] for g in gs), max(group_hi[g] for g in gs)
        for rule in watching:
            # A rule's quiet values form an interval, so when the batch's extremes are quiet every group is: one
            # test per rule and batch in the usual case, a test per group only when something may breach.
            if not r.quiet_between(rule, lo, hi):
                pairs.update((group_device[g], rule.id) for g in gs
                             if not r.quiet_between(rule, group_lo[g], group_hi[g]))
            if with_state:
                pairs.update((group_device[g], rule.id) for g in gs if group_device[g] in open_devices
                             or (group_device[g], rule.id) in in_breach)

    # The readings of the devices that need a closer look, as (ts, value) lists: only those become datetimes.
    wanted = {d for d, _ in pairs} | {d for d, t in open_keys if t == "silence"}
    series = defaultdict(lambda: defaultdict(list))
    ts_sorted = new_rows.ts[order]
    for g, d in enumerate(group_device):
        if d in wanted:
            lo, hi = starts[g], ends[g]
            series[d][group_metric[g]] = [(from_us(t), v) for t, v in
                                          zip(ts_sorted[lo:hi].tolist(), values[lo:hi].tolist(), strict=True)]
    raised = 0
    if pairs:
        by_rule = {rule.pk: rule for rule in rules}
        pair_devices = sorted({d for d, _ in pairs})
        rule_ids = sorted({rid for _, rid in pairs})
        have = set(RuleState.objects.filter(device_id__in=pair_devices, rule_id__in=rule_ids)
                   .values_list("device_id", "rule_id"))
        missing = pairs - have
        if missing:
            RuleState.objects.bulk_create([RuleState(device_id=d, rule_id=rid) for d, rid in sorted(missing)],
                                          ignore_conflicts=True)
        states = [s for s in RuleState.objects.select_for_update()
                  .filter(device_id__in=pair_devices, rule_id__in=rule_ids).order_by("device_id", "rule_id")
                  if (s.device_id, s.rule_id) in pairs]
        open_alarms = {(a.device_id, a.alarm_type): a for a in Alarm.objects.active().filter(
            device_id__in=pair_devices, cleared_at=None)}
        previous = _previous_readings({(s.device_id, by_rule[s.rule_id].metric) for s in states}, series)
        history = _rate_windows({(s.device_id, by_rule[s.rule_id].metric, by_rule[s.rule_id].window_s or 0)
                                 for s in states if by_rule[s.rule_id].rule_type == RuleType.RATE}, series)
        devices = {}
        changed = []
        for state in states:
            rule = by_rule[state.rule_id]
            before = (state.breach_started_at, state.last_ts, state.last_value, list(state.hits or []))
            prev = previous.get((state.device_id, rule.metric))
            if prev and (state.last_ts is None or prev[0] > state.last_ts):
                state.last_ts, state.last_value = prev
            out = r.evaluate(rule, state, sorted(series[state.device_id][rule.metric]),
                             history=history.get((state.device_id, rule.metric, rule.window_s or 0), ()))
            if (state.breach_started_at, state.last_ts, state.last_value, list(state.hits or [])) != before:
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
    silent = [d for d, t in open_keys if t == "silence"]
    if silent:
        for alarm in Alarm.objects.active().filter(device_id__in=silent, alarm_type="silence", cleared_at=None):
            clear(alarm, ts=max(ts for rows in series[alarm.device_id].values() for ts, _ in rows))
    return raised


def _watch_lists(device_ids):
    """(device, alarm type) of the open alarms not yet recovered, and (device, rule) of the breaches in progress,
    among `device_ids`: two small index lookups per batch."""
    from django.db import connection

    from .models import Alarm, RuleState

    if connection.vendor != "postgresql":
        return (set(Alarm.objects.active().filter(device_id__in=device_ids, cleared_at=None)
                    .values_list("device_id", "alarm_type")),
                set(RuleState.objects.filter(device_id__in=device_ids).exclude(breach_started_at=None)
                    .values_list("device_id", "rule_id")))
    from .pg import pg_array, pg_cursor

    ids = pg_array(device_ids)
    with pg_cursor() as cur:
        cur.execute("SELECT device_id, alarm_type FROM monitoring_alarm WHERE device_id = ANY(%s::bigint[]) "
                    "AND state <> %s AND cleared_at IS NULL", [ids, AlarmState.CLOSED.value])
        open_keys = set(cur.fetchall())
        cur.execute("SELECT device_id, rule_id FROM monitoring_rulestate WHERE device_id = ANY(%s::bigint[]) "
                    "AND breach_started_at IS NOT NULL", [ids])
        return open_keys, set(cur.fetchall())


def _previous_readings(keys, series) -> dict:
    """(device, metric) → (ts, value) of the newest stored reading that is not one of this batch's new readings.
    PostgreSQL: one LATERAL query for all the keys (the newest n + 1 of each, n = the batch's new readings of it)."""
    from django.db import connection

    from .models import Reading

    keys = sorted(keys)
    fresh = {k: {ts for ts, _ in series[k[0]][k[1]]} for k in keys}
    found = defaultdict(list)
    if connection.vendor == "postgresql" and keys:
        from .pg import pg_array, pg_cursor

        with pg_cursor() as cur:
            cur.execute("SELECT k.d, k.m, r.ts, r.value FROM unnest(%s::bigint[], %s::varchar[], %s::int[]) AS k(d, m, n) "
                        "CROSS JOIN LATERAL (SELECT ts, value FROM monitoring_reading WHERE device_id = k.d "
                        "AND metric = k.m ORDER BY ts DESC LIMIT k.n + 1) AS r",
                        [pg_array(d for d, _ in keys), pg_array(m for _, m in keys),
                         pg_array(len(fresh[k]) for k in keys)])
            for d, m, ts, value in cur.fetchall():
                found[d, m].append((ts, value))
    else:
        for d, m in keys:
            found[d, m] = list(Reading.objects.filter(device_id=d, metric=m).order_by("-ts")
                               .values_list("ts", "value")[:len(fresh[d, m]) + 1])
    out = {}
    for key, rows in found.items():
        for ts, value in sorted(rows, reverse=True):
            if ts not in fresh[key]:
                out[key] = (ts, value)
                break
    return out


def _rate_windows(keys, series) -> dict:
    """(device, metric, window_s) → the stored (ts, value) readings in the window before the batch's first new
    reading of that series: what a rate rule compares a rise against (only for the few series that may rise).
    PostgreSQL: one LATERAL query for all the keys, as _previous_readings does."""
    from django.db import connection

    from .models import Reading

    keys = sorted(keys)
    first = {k: min(ts for ts, _ in series[k[0]][k[1]]) for k in keys}
    out = {k: [] for k in keys}
    if connection.vendor == "postgresql" and keys:
        from .pg import pg_array, pg_cursor

        with pg_cursor() as cur:
            cur.execute("SELECT k.d, k.m, k.w, r.ts, r.value FROM unnest(%s::bigint[], %s::varchar[], %s::int[], "
                        "%s::bigint[]) AS k(d, m, w, f) CROSS JOIN LATERAL (SELECT ts, value FROM monitoring_reading "
                        "WHERE device_id = k.d AND metric = k.m "
                        "AND ts >= 'epoch'::timestamptz + (k.f - k.w * 1000000::bigint) * interval '1 microsecond' "
                        "AND ts < 'epoch'::timestamptz + k.f * interval '1 microsecond' ORDER BY ts LIMIT 10000) AS r",
                        [pg_array(k[0] for k in keys), pg_array(k[1] for k in keys), pg_array(k[2] for k in keys),
                         pg_array(to_us(first[k]) for k in keys)])
            for d, m, w, ts, value in cur.fetchall():
                out[d, m, w].append((ts, value))
        return out
    for d, m, window_s in keys:
        out[d, m, window_s] = list(Reading.objects.filter(
            device_id=d, metric=m, ts__gte=first[d, m, window_s] - timedelta(seconds=window_s),
            ts__lt=first[d, m, window_s]).order_by("ts").values_list("ts", "value")[:10_000])
    return out


def _save_states(states):
    from django.db import connection

    adapt = (lambda v: v) if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.executemany("UPDATE monitoring_rulestate SET breach_started_at = %s, last_ts = %s, last_value = %s, "
                        "hits = %s WHERE id = %s",
                        [(adapt(s.breach_started_at) if s.breach_started_at else None,
                          adapt(s.last_ts) if s.last_ts else None, s.last_value, json.dumps(s.hits or []), s.pk)
                         for s in states])


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
