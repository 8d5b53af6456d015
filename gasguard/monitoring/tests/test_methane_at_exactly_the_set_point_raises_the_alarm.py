"""The methane set points are inclusive (GB/T 50493: the first level AT 25 % LEL, the second AT 50 % LEL): a reading
of exactly 25.0 % LEL raises the first level once held for the duration, 24.9 does not; the quick test that lets a
quiet batch skip the database (quiet_between) agrees at the boundary; ≤ works the same way downwards; and the
migration moves the default methane rules that still compare with > to ≥."""
from datetime import UTC, datetime, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest

from gasguard.monitoring import rules
from gasguard.monitoring.choices import Op, RuleType
from gasguard.monitoring.models import Alarm, AlarmRule

from .helpers import base_time, make_device, reading, send

T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _rule(op, threshold, hysteresis=5.0, duration_s=0, rule_type=RuleType.LEVEL, **kw):
    return SimpleNamespace(op=op, threshold=threshold, hysteresis=hysteresis, duration_s=duration_s, low=None,
                           rule_type=rule_type, window_s=60, repeat_count=3, **kw)


def _state():
    return SimpleNamespace(last_ts=None, last_value=None, breach_started_at=None, hits=[])


def _run(rule, values, step_s=10):
    state = _state()
    return rules.evaluate(rule, state, [(T0 + timedelta(seconds=i * step_s), v) for i, v in enumerate(values)]), state


def test_the_default_methane_rules_compare_with_ge():
    defaults = {spec["code"]: spec for spec in rules.DEFAULT_RULES}
    for code in rules.METHANE_DEFAULT_CODES:
        assert defaults[code]["op"] == Op.GE, code
    assert defaults["ch4_level1"]["threshold"] == 25.0 and defaults["ch4_level2"]["threshold"] == 50.0


def test_25_lel_held_for_the_duration_raises_the_first_level_and_24_9_does_not():
    level1 = _rule(Op.GE, 25.0, duration_s=60)
    out, state = _run(level1, [25.0] * 7)  # 0 … 60 s at exactly the set point
    assert out.raise_at == T0 + timedelta(seconds=60) and out.value == 25.0 and out.first_ts == T0
    out, state = _run(level1, [24.9] * 7)
    assert out.raise_at is None and state.breach_started_at is None
    # The strict operator the defaults used to have misses the set point itself.
    out, _ = _run(_rule(Op.GT, 25.0, duration_s=60), [25.0] * 7)
    assert out.raise_at is None


def test_50_lel_raises_the_second_level_at_once():
    level2 = _rule(Op.GE, 50.0)
    assert _run(level2, [50.0])[0].raise_at == T0
    assert _run(level2, [49.99])[0].raise_at is None


def test_recovery_below_an_inclusive_set_point_needs_the_whole_margin():
    rule = _rule(Op.GE, 25.0, hysteresis=5.0)
    assert not rules.recovered(rule, 20.0)   # 25 − 5 is still "at" the margin
    assert rules.recovered(rule, 19.9)
    no_margin = _rule(Op.GE, 25.0, hysteresis=0.0)
    assert not rules.recovered(no_margin, 25.0) and rules.recovered(no_margin, 24.9)


def test_quiet_between_is_exact_at_the_boundary():
    ge = _rule(Op.GE, 25.0)
    assert rules.quiet_between(ge, 0.0, 24.9)
    assert not rules.quiet_between(ge, 0.0, 25.0)
    assert not rules.quiet_between(ge, 25.0, 25.0)
    # The quick test never calls a batch quiet that evaluate() would find breaching.
    for hi in (24.9, 24.99, 25.0, 25.01):
        out, _ = _run(ge, [hi])
        assert rules.quiet_between(ge, hi, hi) == (out.raise_at is None), hi
    le = _rule(Op.LE, 20.0)
    assert rules.quiet_between(le, 20.1, 90.0) and not rules.quiet_between(le, 20.0, 90.0)
    assert rules.breached(le, 20.0) and not rules.breached(le, 20.1)
    assert not rules.recovered(le, 25.0) and rules.recovered(le, 25.1)
    # A rate rule's rise is compared with ≥ whatever its op: a rise of exactly the threshold is not quiet.
    rate = _rule(Op.GE, 10.0, rule_type=RuleType.RATE)
    assert rules.quiet_between(rate, 0.0, 9.9) and not rules.quiet_between(rate, 0.0, 10.0)


def test_the_repeat_rule_counts_a_puff_that_touches_25():
    repeat = _rule(Op.GE, 25.0, rule_type=RuleType.REPEAT)
    out, state = _run(repeat, [25.0, 10.0, 25.0, 10.0, 25.0])
    assert out.raise_at == T0 + timedelta(seconds=40) and len(state.hits) == 3


@pytest.mark.django_db
def test_through_the_ingest_service_25_lel_for_a_minute_raises_one_first_level_alarm():
    at_set_point, below = make_device(), make_device()
    t0 = base_time()
    send(at_set_point, *[reading(t0 + timedelta(seconds=s), ch4_lel=25.0) for s in range(0, 80, 10)])
    send(below, *[reading(t0 + timedelta(seconds=s), ch4_lel=24.9) for s in range(0, 80, 10)])
    assert list(Alarm.objects.values_list("device__code", "alarm_type")) == [(at_set_point.code, "ch4_level1")]
    # 1.25 % vol is 25 % LEL as well (the unit conversion lands exactly on the set point).
    by_volume = make_device()
    send(by_volume, *[reading(t0 + timedelta(seconds=s), ch4_vol=1.25) for s in range(0, 80, 10)])
    assert Alarm.objects.filter(device=by_volume, alarm_type="ch4_level1").count() == 1


@pytest.mark.django_db
def test_the_migration_moves_the_default_methane_rules_from_gt_to_ge():
    from django.apps import apps
    from django.db import connection

    migration = import_module("gasguard.monitoring.migrations.0003_inclusive_methane_set_points")
    AlarmRule.objects.filter(code__in=["ch4_level1", "ch4_level2", "ch4_rate"]).update(op="gt")
    AlarmRule.objects.filter(code="ch4_repeat").update(op="lt")  # changed by hand: left alone
    AlarmRule.objects.create(code="custom_gt", name="自定义", rule_type="level", metric="ch4_lel", op="gt",
                             threshold=30.0)
    editor = SimpleNamespace(connection=connection)
    migration.to_inclusive(apps, editor)
    ops = dict(AlarmRule.objects.values_list("code", "op"))
    assert (ops["ch4_level1"], ops["ch4_level2"], ops["ch4_rate"]) == ("ge", "ge", "ge")
    assert ops["ch4_repeat"] == "lt" and ops["custom_gt"] == "gt" and ops["low_battery"] == "lt"
    migration.to_strict(apps, editor)
    assert AlarmRule.objects.get(code="ch4_level1").op == "gt"
