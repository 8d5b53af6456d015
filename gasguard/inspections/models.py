"""Inspections: a checklist run at a site, item by item, signed by the inspector."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gasguard.catalog.models import CheckItem
from gasguard.org.choices import Role
from gasguard.org.models import Department, Jurisdiction
from gasguard.org.roles import NOTHING, common_rule
from gasguard.sites.models import Site
from gasguard.utilities import clock


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    JOINT = "joint", _("联合检查")
    SELF = "self", _("企业自查")
    LOOKBACK = "lookback", _("回头看")
    SPECIAL = "special", _("专项检查")


class Result(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NA = "na", _("不适用")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The inspections `user` may see (DESIGN.md, 'Who uses it'): out of them one is simply not found (404)."""
        return self.filter(Inspection.visible_q(user))


class Inspection(models.Model):
    site = models.ForeignKey(Site, models.PROTECT, related_name="inspections", verbose_name=_("检查对象"))
    kind = models.CharField(_("检查方式"), max_length=20, choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="inspections",
                                  verbose_name=_("检查人"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="inspections",
                                   verbose_name=_("检查单位"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True,
                                     related_name="inspections", verbose_name=_("检查属地"))
    departments_present = models.ManyToManyField(Department, blank=True, related_name="joint_inspections",
                                                 verbose_name=_("参加联合检查的单位"))
    inspected_at = models.DateTimeField(_("检查时间"), default=clock.now, db_index=True)
    # 谁检查、谁签名、谁负责: the signature is the inspector's name typed or drawn at the end.
    signature = models.CharField(_("签名"), max_length=50)
    signature_image = models.TextField(_("手写签名（图像）"), blank=True)
    lat = models.FloatField(_("检查位置纬度"), null=True, blank=True)
    lon = models.FloatField(_("检查位置经度"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    failed_count = models.PositiveIntegerField(_("不合格项数"), default=0)

    objects = InspectionQuerySet.as_manager()

    @classmethod
    def visible_q(cls, user) -> Q:
        """The rule of visible_to as a condition, for callers that combine it (the dashboard's area as ids)."""
        rule = common_rule(user, enterprise="site__enterprise_id", area="site__jurisdiction__")
        if rule is not None:
            return rule
        if user.role == Role.DEPARTMENT and user.department_id:
            joint = cls.departments_present.through.objects.filter(
                department_id=user.department_id).values("inspection_id")
            return Q(department_id=user.department_id) | Q(pk__in=joint)
        if user.role == Role.INSPECTOR:
            return Q(inspector=user)
        return NOTHING

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_at"]

    def __str__(self):
        return f"{self.site} {timezone.localtime(self.inspected_at):%Y-%m-%d}"


class InspectionItem(models.Model):
    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="items", verbose_name=_("检查记录"))
    item = models.ForeignKey(CheckItem, models.PROTECT, related_name="+", verbose_name=_("检查项"))
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    measured_value = models.DecimalField(_("实测值"), max_digits=12, decimal_places=3, null=True, blank=True)
    note = models.TextField(_("情况说明"), blank=True)

    class Meta:
        verbose_name = _("检查项结果")
        verbose_name_plural = _("检查项结果")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")]


class Photo(models.Model):
    """A photo or document: evidence of a finding, a rectification or a verification."""

    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    sha256 = models.CharField(max_length=64, editable=False)
    inspection = models.ForeignKey(Inspection, models.CASCADE, null=True, blank=True, related_name="photos")
    inspection_item = models.ForeignKey(InspectionItem, models.CASCADE, null=True, blank=True, related_name="photos")
    hazard_event = models.ForeignKey("hazards.HazardEvent", models.CASCADE, null=True, blank=True,
                                     related_name="photos")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
