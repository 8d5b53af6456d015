"""Reporting units (报送单位): the member departments that lead or share a task of the campaign, and the zones and
streets of its territory. A user acts for one unit: a department's (or the office's) user for their department, a
zone's or street's user for their jurisdiction."""
from dataclasses import dataclass

from django.db.models import Q

from gasguard.org.choices import Level, Role
from gasguard.org.models import Department, Jurisdiction

from .models import Task, unit_key


@dataclass(frozen=True)
class Unit:
    obj: object  # a Department or a Jurisdiction

    @property
    def key(self) -> str:
        return unit_key(self.obj)

    @property
    def is_department(self) -> bool:
        return isinstance(self.obj, Department)

    @property
    def name(self) -> str:
        return self.obj.name

    def fields(self) -> dict:
        """The UnitMixin fields for this unit."""
        return {"department": self.obj if self.is_department else None,
                "jurisdiction": None if self.is_department else self.obj}

    def task_q(self) -> Q:
        """The tasks this unit leads or shares (zones and streets: the tasks given to 各开发区 / 各街镇)."""
        if self.is_department:
            return Q(lead_units=self.obj) | Q(co_units=self.obj)
        return Q(zones=True) if self.obj.level == Level.ZONE else Q(streets=True)

    def __str__(self):
        return self.name


def user_unit(user) -> Unit | None:
    """The unit a user reports for, or None (inspectors, enterprises)."""
    if not user.is_authenticated:
        return None
    if user.role in (Role.DEPARTMENT, Role.OFFICE) and user.department_id:
        return Unit(user.department)
    if user.role == Role.JURISDICTION and user.jurisdiction_id and user.jurisdiction.level in (Level.ZONE,
                                                                                                Level.STREET):
        return Unit(user.jurisdiction)
    return None


def is_office(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.OFFICE)


def reporting_units(campaign) -> list[Unit]:
    """Every unit that owes the campaign a monthly report: departments named on its tasks, then its zones and
    streets (in the territory's order)."""
    tasks = Task.objects.filter(campaign=campaign)
    depts = Department.objects.filter(Q(led_tasks__in=tasks) | Q(co_tasks__in=tasks)).distinct().order_by("id")
    juris = Jurisdiction.objects.filter(level__in=[Level.ZONE, Level.STREET])
    if campaign.root_id:
        juris = juris.filter(path__startswith=campaign.root.path)
    return [Unit(d) for d in depts] + [Unit(j) for j in juris.order_by("level", "code")]


def unit_from_key(key: str) -> Unit | None:
    kind, _, pk = key.partition(":")
    model = {"department": Department, "jurisdiction": Jurisdiction}.get(kind)
    obj = model.objects.filter(pk=pk).first() if model and pk.isdigit() else None
    return Unit(obj) if obj else None
