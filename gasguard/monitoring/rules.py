"""Alarm rules: the defaults from the standards, and the evaluation of new readings against them.

Methane is judged in % LEL. The lower explosive limit of methane is 5 % by volume, so a reading sent as ch4_vol
is stored as ch4_lel = ch4_vol × 20 (normalise()). Detector alarm set points follow GB 15322 / GB 50494 practice:
first level (low) at 25 % LEL, second level (high) at 50 % LEL.

Evaluation keeps per device and rule a RuleState row (when the breach began, the last value and time), so a
restart does not reset a duration timer, and raises through services.raise_or_refresh(): one open alarm per
device and alarm type, refreshed while the breach continues.
"""
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from .choices import METHANE_KINDS, DeviceKind, Op, RuleType, Severity

METHANE_LEL_VOL_PERCENT = 5.0

# Units accepted from devices and how each becomes a stored metric.
UNIT_CONVERSIONS = {
    "ch4_vol": ("ch4_lel", 100.0 / METHANE_LEL_VOL_PERCENT),   # % vol → % LEL
    "ch4_ppm": ("ch4_lel", 100.0 / (METHANE_LEL_VOL_PERCENT * 10_000)),  # ppm → % LEL
}

_METHANE = sorted(METHANE_KINDS)
_PIPE = [DeviceKind.PRESSURE_METER.value]

# The set points are inclusive (GB/T 50493: the first level AT 25 % LEL), so the methane rules use ≥. A rate rule
# always compares the rise with ≥ (evaluate()); its op only says so on the rules page.
METHANE_DEFAULT_CODES = ("ch4_level1", "ch4_level2", "ch4_rate", "ch4_repeat")

DEFAULT_RULES = [
    # A first-level methane alarm must hold for a minute (a passing puff in a manhole is not a leak).
    {"code": "ch4_level1", "name": "甲烷浓度一级报警（≥25%LEL，持续60秒）", "kinds": _METHANE, "rule_type": RuleType.LEVEL,
     "metric": "ch4_lel", "op": Op.GE, "threshold": 25.0, "hysteresis": 5.0, "duration_s": 60,
     "severity": Severity.LEVEL1},
    {"code": "ch4_level2", "name": "甲烷浓度二级报警（≥50%LEL）", "kinds": _METHANE, "rule_type": RuleType.LEVEL,
     "metric": "ch4_lel", "op": Op.GE, "threshold": 50.0, "hysteresis": 5.0, "duration_s": 0,
     "severity": Severity.LEVEL2},
    {"code": "ch4_rate", "name": "甲烷浓度快速上升（60秒内升高≥10%LEL）", "kinds": _METHANE, "rule_type": RuleType.RATE,
     "metric": "ch4_lel", "op": Op.GE, "threshold": 10.0, "window_s": 60, "severity": Severity.LEVEL1},
    {"code": "pressure_band", "name": "管网压力超出运行区间（0.1–0.4 MPa）", "kinds": _PIPE, "rule_type": RuleType.LEVEL,
     "metric": "pressure_mpa", "op": Op.OUTSIDE, "low": 0.1, "threshold": 0.4, "hysteresis": 0.01,
     "duration_s": 30, "severity": Severity.LEVEL1},
    # A leak that comes and goes (each puff shorter than the sustained rule's minute): 3 breaches within 10 minutes.
    {"code": "ch4_repeat", "name": "甲烷浓度反复超限（10分钟内3次≥25%LEL）", "kinds": _METHANE,
     "rule_type": RuleType.REPEAT, "metric": "ch4_lel", "op": Op.GE, "threshold": 25.0, "hysteresis": 5.0,
     "repeat_count": 3, "window_s": 600, "severity": Severity.LEVEL1},
    {"code": "low_battery", "name": "电池电量低（<20%）", "kinds": [], "rule_type": RuleType.LEVEL,
     "metric": "battery", "op": Op.LT, "threshold": 20.0, "hysteresis": 5.0, "severity": Severity.WARNING},
    {"code": "silence", "name": "设备离线（连续3个上报周期无数据）", "kinds": [], "rule_type": RuleType.SILENCE,
     "intervals": 3, "severity": Severity.WARNING},
]


def ensure_default_rules(using="default"):
    """Add any default rule that is missing (by code); rules already there keep their edited settings."""
    from .models import AlarmRule

    have = set(AlarmRule.objects.using(using).values_list("code", flat=True))
    AlarmRule.objects.using(using).bulk_create(
        [AlarmRule(**{k: (v.value if hasattr(v, "value") else v) for k, v in spec.items()})
         for spec in DEFAULT_RULES if spec["code"] not in have])


def normalise(metric: str, value: float) -> tuple[str, float]:
    """A device's metric name and value as stored (methane always in % LEL)."""
    if metric in UNIT_CONVERSIONS:
        name, factor = UNIT_CONVERSIONS[metric]
        return name, value * factor
    return metric, value


def breached(rule, value: float) -> bool:
    op = rule.op
    if op == Op.GE:
        return value >= rule.threshold
    if op == Op.GT:
        return value > rule.threshold
    if op == Op.LT:
        return value < rule.threshold
    if op == Op.LE:
        return value <= rule.threshold
    return value > rule.threshold or (rule.low is not None and value < rule.low)


def recovered(rule, value: float) -> bool:
    """Back inside the limit by the hysteresis margin. With no margin this is exactly "not breached": an inclusive
    limit (≥ / ≤) recovers only strictly inside it."""
    h = rule.hysteresis
    op = rule.op
    if op == Op.GE:
        return value < rule.threshold - h
    if op == Op.GT:
        return value <= rule.threshold - h
    if op == Op.LT:
        return value >= rule.threshold + h
    if op == Op.LE:
        return value > rule.threshold + h
    return value <= rule.threshold - h and (rule.low is None or value >= rule.low + h)


def quiet_between(rule, lo: float, hi: float) -> bool:
    """True when no reading with a value in [lo, hi] can move `rule` for a device that has no breach in progress and
    no open alarm: no value breaches a level / repeat rule; no value is high enough to be a rise of `threshold` from
    any earlier reading (our metrics are not negative; a negative value in the batch lowers the floor). The extremes
    decide it (values are finite, ingest checked them), so a batch computes them once per device and metric at C
    speed instead of testing every reading."""
    if rule.rule_type == RuleType.RATE:
        return hi - min(0.0, lo) < rule.threshold
    return not (breached(rule, hi) or breached(rule, lo))


@dataclass
class Outcome:
    """What a rule decided about a device after a run of readings."""
    raise_at: datetime | None = None     # breach confirmed: raise or refresh
    value: float | None = None
    first_ts: datetime | None = None
    clear_at: datetime | None = None     # recovered: clear the open alarm, if any
    hits: int = 0                        # confirmed breaching readings (refresh count)


def evaluate(rule, state, readings, history=()) -> Outcome:
    """Run one rule over one device's new readings of the rule's metric (sorted by ts), updating `state`
    (a RuleState) in memory. Readings older than the state's last reading (late data) are stored but do not
    move the rule. `history`: the stored (ts, value) readings of the rate rule's window before the new ones."""
    out = Outcome()
    if rule.rule_type == RuleType.RATE:   # the readings of the window before each new one
        window = timedelta(seconds=rule.window_s or 0)
        recent = deque(sorted(history))
        if state.last_ts is not None and state.last_value is not None and (
                not recent or recent[-1][0] < state.last_ts):
            recent.append((state.last_ts, state.last_value))
    for ts, value in readings:
        if state.last_ts is not None and ts <= state.last_ts:
            continue
        if rule.rule_type == RuleType.RATE:
            # A rise of `threshold` within the window: the reading against the lowest of the window before it,
            # so a leak that climbs steadily over several readings is caught, not only a jump between two.
            while recent and ts - recent[0][0] > window:
                recent.popleft()
            if recent:
                low_ts, low = min(recent, key=lambda p: (p[1], p[0]))
                if value - low >= rule.threshold:
                    _hit(out, ts, value, low_ts)
                elif value <= recent[-1][1]:
                    out.clear_at = ts
            recent.append((ts, value))
        elif rule.rule_type == RuleType.REPEAT:
            _repeat(rule, state, out, ts, value)
        elif breached(rule, value):
            if state.breach_started_at is None:
                state.breach_started_at = ts
            if ts - state.breach_started_at >= timedelta(seconds=rule.duration_s):
                _hit(out, ts, value, state.breach_started_at)
        else:
            # The breach is broken: the duration timer starts again; the alarm clears once back by the margin.
            state.breach_started_at = None
            if recovered(rule, value):
                out.clear_at = ts
        state.last_ts, state.last_value = ts, value
    if out.clear_at and out.raise_at and out.clear_at < out.raise_at:
        out.clear_at = None
    return out


def _repeat(rule, state, out: Outcome, ts, value):
    """Count breach episodes (a breaching reading after one that did not breach) within window_s; raise at the
    repeat_count-th. Clears once the value is back by the margin and no episode is left in the window."""
    window = timedelta(seconds=rule.window_s)
    hits = [datetime.fromisoformat(h) for h in (state.hits or [])]
    hits = [h for h in hits if ts - h <= window]
    if breached(rule, value):
        if state.breach_started_at is None and (state.last_value is None or not breached(rule, state.last_value)):
            hits.append(ts)
        state.breach_started_at = state.breach_started_at or ts
        if len(hits) >= max(1, rule.repeat_count) and hits[-1] == ts:
            _hit(out, ts, value, hits[0])
    else:
        state.breach_started_at = None
        if not hits and recovered(rule, value):
            out.clear_at = ts
    state.hits = [h.isoformat() for h in hits]


def _hit(out: Outcome, ts, value, first_ts):
    out.raise_at, out.value, out.hits = ts, value, out.hits + 1
    out.first_ts = out.first_ts or first_ts
