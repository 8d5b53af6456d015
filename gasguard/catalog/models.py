"""The rules as data: each check item says where it applies, who leads, and how pass or fail is decided."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from gasguard.org.models import Department

from .choices import Disposition, Op, Severity

_OPS = {
    Op.LE: lambda v, lim: v <= lim,
    Op.LT: lambda v, lim: v < lim,
    Op.GE: lambda v, lim: v >= lim,
    Op.GT: lambda v, lim: v > lim,
}


def plain(number: Decimal) -> str:
    """2.500 → "2.5", 100.000 → "100" (never "1E+2")."""
    return format(number.normalize(), "f")


class CheckItem(models.Model):
    code = models.CharField(_("编码"), max_length=30, unique=True)
    text = models.TextField(_("检查内容"))
    clause = models.CharField(_("方案条款"), max_length=60)
    task = models.ForeignKey("campaign.Task", models.SET_NULL, null=True, blank=True, related_name="check_items",
                             verbose_name=_("所属任务"))
    site_types = models.JSONField(_("适用对象类型"), default=list)
    fuels = models.JSONField(_("适用用气类型"), default=list, blank=True)
    buildings = models.JSONField(_("适用建筑类型"), default=list, blank=True)
    crowded_only = models.BooleanField(_("仅人员密集场所"), default=False)
    legal_basis = models.TextField(_("依据"), blank=True)
    # A department group (e.g. "fire") instead of named lead units: routed by the site's territory.
    lead_group = models.CharField(_("牵头单位组"), max_length=20, blank=True)
    lead_units = models.ManyToManyField(Department, blank=True, related_name="led_items", verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField(Department, blank=True, related_name="co_items", verbose_name=_("配合单位"))
    territorial = models.BooleanField(_("属地负责（各开发区、各街镇）"), default=True)
    disposition = models.CharField(_("处置方式"), max_length=40, choices=Disposition.choices)
    deadline_days = models.PositiveIntegerField(_("默认整改期限（天）"), default=15)
    severity = models.CharField(_("隐患等级"), max_length=20, choices=Severity.choices, default=Severity.GENERAL)
    measure_quantity = models.CharField(_("测量项"), max_length=40, blank=True)
    measure_label = models.CharField(_("测量项名称"), max_length=60, blank=True)
    measure_unit = models.CharField(_("单位"), max_length=10, blank=True)
    measure_op = models.CharField(_("合格条件"), max_length=2, choices=Op.choices, blank=True)
    measure_limit = models.DecimalField(_("限值"), max_digits=12, decimal_places=3, null=True, blank=True)
    exempt_if = models.CharField(_("豁免条件（对象属性）"), max_length=40, blank=True)
    evidence_hint = models.CharField(_("取证要点"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.text[:30]}"

    @property
    def has_measure(self):
        return bool(self.measure_quantity and self.measure_op and self.measure_limit is not None)

    def applies_to(self, site) -> bool:
        """Whether this item belongs on the checklist of `site` (its type and attributes)."""
        if not self.is_active or site.site_type not in self.site_types:
            return False
        if self.fuels and site.fuel not in self.fuels:
            return False
        if self.buildings and site.building not in self.buildings:
            return False
        return not (self.crowded_only and not site.crowded_place)

    def judge(self, value, site=None) -> bool:
        """Pass (True) or fail (False) from a measured value, by the rule's own number."""
        if self.exempt_if and site is not None and getattr(site, self.exempt_if, False):
            return True
        return _OPS[self.measure_op](Decimal(str(value)), self.measure_limit)

    # Form field names of this item on the inspection page.
    @property
    def result_key(self):
        return f"result_{self.code}"

    @property
    def value_key(self):
        return f"value_{self.code}"

    @property
    def note_key(self):
        return f"note_{self.code}"

    def rule_text(self):
        if not self.has_measure:
            return ""
        return f"{self.measure_label} {self.get_measure_op_display()} {plain(self.measure_limit)} {self.measure_unit}"
