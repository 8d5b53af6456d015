"""The campaign part of the demo district: the last few months of monthly unit reports in every state (on time,
returned and resubmitted, late, missing), some task progress, supervision orders, a circular and an admonition —
all through the service functions with the platform clock set back, like the rest of the demo."""
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gasguard.org.choices import Role
from gasguard.org.models import User
from gasguard.utilities import clock

from . import services
from .models import ProgressStatus, Task
from .units import reporting_units

MONTHS = 5  # the months past due shown with reports, plus the current one

WORK = ["组织开展燃气安全入户检查和餐饮场所专项排查，对发现的问题建立台账、逐项销号。",
        "联合市场监管、消防等部门对辖区瓶装液化石油气用户开展联合检查，督促企业落实随瓶安检。",
        "开展燃气安全宣传进社区活动，发放宣传材料，组织应急演练。"]
PROBLEMS = ["部分老旧小区户内燃气设施老化，整改需协调产权单位。", "个别餐饮单位整改进度偏慢，存在反复。",
            "基层网格员燃气专业知识不足。"]
PLANS = ["继续推进隐患动态清零，开展整改“回头看”。", "对逾期隐患逐户督办，确保按期整改到位。",
         "加强网格员培训，提升排查质量。"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _unit_users(units, password_hash) -> dict:
    """One account per reporting unit: the unit's existing account, else a liaison account made for the demo."""
    users = {}
    for unit in units:
        role = Role.DEPARTMENT if unit.is_department else Role.JURISDICTION
        field = "department" if unit.is_department else "jurisdiction"
        user = (User.objects.filter(**{field: unit.obj}, role__in=[role, Role.OFFICE]).order_by("id").first())
        if user is None:
            code = unit.obj.code.lower().replace("-", "")
            user = User.objects.create(username=f"lly-{code}", password=password_hash, role=role,
                                       full_name=f"{unit.name}联络员", **{field: unit.obj})
        users[unit.key] = user
    return users


def _filled(rng, unit) -> dict:
    person = rng.choice(SURNAMES) + rng.choice(["建华", "晓东", "丽娜", "志刚", "海燕", "明"])
    liaison = rng.choice(SURNAMES) + rng.choice(["磊", "婷", "伟", "静", "鹏", "敏"])
    return {"work_done": rng.choice(WORK), "problems": rng.choice(PROBLEMS), "next_plan": rng.choice(PLANS),
            "responsible_name": person, "responsible_phone": f"139{rng.randint(10000000, 99999999)}",
            "liaison_name": liaison, "liaison_phone": f"022-{rng.randint(20000000, 29999999)}",
            "entered_cases": str(rng.randint(0, 6)), "entered_fines_wan": f"{rng.randint(0, 40) / 10:g}"}


@transaction.atomic
def load(*, today: date | None = None, seed: int = 20231, password: str = "gasguard123", log=print) -> dict:
    """Monthly reports, task progress and supervision for the demo district (idempotent enough to be called once
    on an empty campaign)."""
    rng = random.Random(seed)
    today = today or clock.today()
    campaign = services.default_campaign()
    units = reporting_units(campaign)
    users = _unit_users(units, make_password(password))
    office = User.objects.filter(role=Role.OFFICE).order_by("id").first()
    months = services.open_months(campaign, today)
    past = [m for m in months if services.due_date(campaign, m) < today][-MONTHS:]
    current = [m for m in months if services.due_date(campaign, m) >= today]
    counts = {"submitted": 0, "returned": 0, "late": 0, "missing": 0}
    for month in past + current:
        due = services.due_date(campaign, month)
        for unit in units:
            user = users[unit.key]
            roll = rng.random()
            if month in current:  # not yet due: some have reported already
                if roll < 0.4:
                    with clock.frozen(_moment(today - timedelta(days=rng.randint(0, 3)), 10)):
                        services.submit_report(services.open_report(campaign, unit, month, by=user),
                                               _filled(rng, unit), by=user)
                    counts["submitted"] += 1
                continue
            if roll < 0.08:
                counts["missing"] += 1  # never reported: late on the board
                continue
            late = roll < 0.18
            day = due + timedelta(days=rng.randint(1, 6)) if late else due - timedelta(days=rng.randint(0, 6))
            with clock.frozen(_moment(day, 9 + rng.randint(0, 7))):
                report = services.open_report(campaign, unit, month, by=user)
                services.submit_report(report, _filled(rng, unit), by=user)
            counts["late" if late else "submitted"] += 1
            if office and 0.18 <= roll < 0.28:  # returned with comments, then resubmitted
                with clock.frozen(_moment(day + timedelta(days=1), 15)):
                    services.return_report(report, comment="执法数据与台账不一致，请核实“存在问题”并补充整改措施。",
                                           by=office)
                with clock.frozen(_moment(day + timedelta(days=2), 11)):
                    services.submit_report(report, {**_filled(rng, unit),
                                                    "problems": "已核实：部分隐患整改需协调产权单位，已制定时间表。"},
                                           by=user)
                counts["returned"] += 1
    _progress(rng, campaign, units, users, past + current)
    if office and past:
        _supervision(rng, campaign, units, office, past[-1], today)
    with clock.frozen(_moment(today, 8)):
        jobs = services.report_jobs(today)
    log(f"专项整治：月报 {counts['submitted']} 份按时、{counts['late']} 份迟报、{counts['returned']} 份退回后重报、"
        f"{counts['missing']} 份未报；提醒 {jobs['reminders']} 条，逾期标记 {jobs['late']} 个单位")
    return counts


def _progress(rng, campaign, units, users, months):
    for unit in units:
        mine = list(Task.objects.filter(unit.task_q(), campaign=campaign).distinct().order_by("order"))
        for task in rng.sample(mine, min(3, len(mine))):
            percent = rng.randint(10, 40)
            for month in months[-3:]:
                percent = min(100, percent + rng.randint(10, 30))
                y, m = (int(x) for x in month.split("-"))
                with clock.frozen(_moment(date(y, m, 10), 10)):
                    services.record_progress(task, month=month, percent=percent, by=users[unit.key],
                                             status=ProgressStatus.DONE if percent == 100 else ProgressStatus.IN_PROGRESS,
                                             stage="集中整治" if percent < 60 else "巩固提升",
                                             text=f"已完成排查整治工作量的{percent}%。")


def _supervision(rng, campaign, units, office, month, today):
    slow = services.slow_units(campaign, month, today)[:3]
    by_key = {u.key: u for u in units}
    with clock.frozen(_moment(today - timedelta(days=2), 9)):
        circular = services.issue_circular(campaign, month, by=office)
        for e in slow:
            services.issue_order_to_unit(by_key[e["unit_key"]], reason=f"{month} {'；'.join(e['reasons'])}，请限期整改并书面反馈。",
                                         deadline=today + timedelta(days=7), by=office,
                                         task=Task.objects.filter(campaign=campaign, streets=True).first())
        if slow:
            services.record_admonition(by_key[slow[0]["unit_key"]], held_on=today - timedelta(days=2),
                                       people="主要负责同志（分管副主任）\n燃气安全工作负责人",
                                       reasons="；".join(slow[0]["reasons"]),
                                       commitments="一个月内完成逾期隐患整改，每周向专班报送进展。", by=office)
    return circular
