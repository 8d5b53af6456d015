"""The ledger (台账): each hazard with its responsible person, deadline and every signed step."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gasguard.catalog.choices import Disposition, Severity
from gasguard.catalog.models import CheckItem
from gasguard.inspections.models import Inspection, InspectionItem
from gasguard.org.choices import Role
from gasguard.org.models import Department, Enterprise, Jurisdiction
from gasguard.org.roles import NOTHING, common_rule
from gasguard.sites.models import Site
from gasguard.utilities import clock

from .choices import OPEN_STATES, Action, LookBackResult, Source, State


def today():
    return clock.today()


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The hazards `user` may see (DESIGN.md, 'Who uses it'): out of them a hazard is simply not found (404)."""
        return self.filter(Hazard.visible_q(user))

    def overdue(self, on=None):
        return self.filter(state__in=OPEN_STATES, deadline__lt=on or today())

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Hazard(models.Model):
    number = models.CharField(_("隐患编号"), max_length=30, unique=True)
    site = models.ForeignKey(Site, models.PROTECT, related_name="hazards", verbose_name=_("隐患所在对象"))
    # Copied from the site at registration: the ledger is scoped and filtered by these without joins.
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="hazards", verbose_name=_("属地"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, null=True, blank=True, related_name="hazards",
                                   verbose_name=_("所属企业"))
    item = models.ForeignKey(CheckItem, models.PROTECT, null=True, blank=True, related_name="hazards",
                             verbose_name=_("检查项"))
    inspection = models.ForeignKey(Inspection, models.PROTECT, null=True, blank=True, related_name="hazards",
                                   verbose_name=_("发现于检查"))
    inspection_item = models.OneToOneField(InspectionItem, models.PROTECT, null=True, blank=True,
                                           related_name="hazard")
    description = models.TextField(_("隐患描述"))
    severity = models.CharField(_("隐患等级"), max_length=20, choices=Severity.choices)
    disposition = models.CharField(_("处置方式"), max_length=40, choices=Disposition.choices, blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    lead_unit = models.ForeignKey(Department, models.PROTECT, related_name="led_hazards", verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField(Department, blank=True, related_name="co_hazards", verbose_name=_("配合单位"))
    responsible_party = models.CharField(_("整改责任单位"), max_length=200)
    responsible_person = models.CharField(_("整治责任人"), max_length=50)
    responsible_phone = models.CharField(_("责任人电话"), max_length=30, blank=True)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                         related_name="responsible_hazards", verbose_name=_("责任人账号"))
    deadline = models.DateField(_("整改期限"))
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.INSPECTION)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.OPEN)
    control_measures = models.TextField(_("管控措施"), blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="found_hazards",
                                 verbose_name=_("发现人"))
    found_at = models.DateTimeField(_("发现时间"), default=clock.now)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="rectified_hazards", verbose_name=_("整改提交人"))
    submitted_at = models.DateTimeField(_("提交验收时间"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="verified_hazards", verbose_name=_("验收人"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, db_index=True)
    rebound_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="rebounds",
                                   verbose_name=_("反弹自"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    @classmethod
    def visible_q(cls, user) -> Q:
        """The rule of visible_to as a condition, for callers that combine it (see hazards.filtersets.visible_q)."""
        rule = common_rule(user, enterprise="enterprise_id", area="jurisdiction__")
        if rule is not None:
            return rule
        if user.role == Role.DEPARTMENT and user.department_id:
            co = cls.co_units.through.objects.filter(department_id=user.department_id).values("hazard_id")
            # A subquery, not a join, so the list needs no DISTINCT.
            return Q(lead_unit_id=user.department_id) | Q(pk__in=co)
        if user.role == Role.INSPECTOR:
            # What is assigned to them: what they found, what they must rectify, what they verified.
            return Q(found_by=user) | Q(responsible_user=user) | Q(verified_by=user) | Q(rectified_by=user)
        return NOTHING

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-found_at"]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["jurisdiction", "state"]),
            models.Index(fields=["lead_unit", "state"]),
            # Every sort of the ledger list, with its tie-break on id (ledger view: same direction as the sort),
            # reads the first page straight off one of these.
            models.Index(fields=["found_at", "id"], name="hazard_found_id"),
            models.Index(fields=["deadline", "id"], name="hazard_deadline_id"),
            models.Index(fields=["severity", "id"], name="hazard_severity_id"),
            models.Index(fields=["state", "id"], name="hazard_state_id"),
            # The open hazards by deadline (overdue filter, the dashboard's overdue of this month).
            models.Index(fields=["deadline", "jurisdiction", "lead_unit"], condition=models.Q(state__in=OPEN_STATES),
                         name="hazard_open_deadline"),
        ]

    def __str__(self):
        return f"{self.number} {self.description[:30]}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_overdue(self):
        """Derived, never stored: an open hazard past its deadline."""
        return self.is_open and self.deadline < today()


class HazardEvent(models.Model):
    """A signed step in a hazard's life; the hazard page's timeline."""

    hazard = models.ForeignKey(Hazard, models.CASCADE, related_name="events", verbose_name=_("隐患"))
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("签名人"))
    at = models.DateTimeField(_("时间"), default=clock.now)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    deadline = models.DateField(_("期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        ordering = ["at", "id"]


class LookBack(models.Model):
    """回头看: a closed hazard drawn for re-check in a month's sample."""

    hazard = models.ForeignKey(Hazard, models.PROTECT, related_name="lookbacks", verbose_name=_("隐患"))
    month = models.CharField(_("抽查月份"), max_length=7, db_index=True)
    drawn_at = models.DateTimeField(_("抽取时间"), default=clock.now)
    result = models.CharField(_("复查结果"), max_length=20, choices=LookBackResult.choices,
                              default=LookBackResult.PENDING)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("复查人"))
    checked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    note = models.TextField(_("复查情况"), blank=True)
    rebound_hazard = models.OneToOneField(Hazard, models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name=_("反弹隐患"))

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        constraints = [models.UniqueConstraint(fields=["hazard", "month"], name="one_lookback_per_month")]


class HazardTally(models.Model):
    """The dashboard's roll-up of the ledger: per month, leaf jurisdiction, lead unit and severity, how many hazards
    were found, how many were closed, and how many open hazards fall due. Each column counts by the month of its
    own event (found_at, closed_at, deadline), so the dashboard reads a few tens of thousands of rows instead of a
    million hazards. Kept in step by hazards.services in the hazard's own transaction (hazards.tally); rebuilt from
    the ledger by `gasguard rebuild_tally`."""

    month = models.DateField(_("月份"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.CASCADE, related_name="+", verbose_name=_("属地"))
    lead_unit = models.ForeignKey(Department, models.CASCADE, related_name="+", verbose_name=_("牵头单位"))
    severity = models.CharField(_("隐患等级"), max_length=20, choices=Severity.choices)
    found = models.IntegerField(_("本月发现"), default=0)
    closed = models.IntegerField(_("本月销号"), default=0)
    due = models.IntegerField(_("本月到期未销号"), default=0)

    class Meta:
        verbose_name = _("隐患统计")
        verbose_name_plural = _("隐患统计")
        constraints = [models.UniqueConstraint(fields=["month", "jurisdiction", "lead_unit", "severity"],
                                               name="one_tally_per_key")]
