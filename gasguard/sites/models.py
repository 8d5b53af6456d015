"""What is regulated: every kind of site the plan names, with the attributes the checks need."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gasguard.org.choices import Role
from gasguard.org.models import Enterprise, Jurisdiction
from gasguard.org.roles import NOTHING, area_q, sees_everything
from gasguard.utilities import clock

from .choices import Building, Fuel, LicenceKind, SiteType


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sites `user` may see; any other is not found (404) on the pages and the API alike."""
        return self.filter(Site.visible_q(user))


class Site(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    site_type = models.CharField(_("类型"), max_length=40, choices=SiteType.choices, db_index=True)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="sites", verbose_name=_("属地"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, null=True, blank=True, related_name="sites",
                                   verbose_name=_("所属企业"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # WGS-84; converted only for display on a GCJ-02 tile layer.
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    fuel = models.CharField(_("用气类型"), max_length=20, choices=Fuel.choices, default=Fuel.NONE)
    building = models.CharField(_("建筑类型"), max_length=20, choices=Building.choices, default=Building.ORDINARY)
    lpg_stored_kg = models.DecimalField(_("液化石油气存放量（kg）"), max_digits=10, decimal_places=1, default=0)
    has_cylinder_room = models.BooleanField(_("设有专用气瓶间"), default=False)
    crowded_place = models.BooleanField(_("人员密集场所"), default=False)
    urban_village = models.BooleanField(_("城中村、城乡结合部"), default=False)
    contact_person = models.CharField(_("负责人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    attributes = models.JSONField(_("其他属性"), default=dict, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)

    objects = SiteQuerySet.as_manager()

    @staticmethod
    def visible_q(user) -> Q:
        """Who sees which site, as a condition (for a query that also takes other sites, as the dashboard's)."""
        if not user.is_authenticated:
            return NOTHING
        if sees_everything(user):
            return Q()
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING
        if user.jurisdiction_id and user.role in (Role.JURISDICTION, Role.INSPECTOR):
            return area_q(user, "jurisdiction__")
        if user.department_id and user.role in (Role.DEPARTMENT, Role.INSPECTOR):
            # The site register is shared by all member departments: they inspect across the district.
            return Q()
        return NOTHING

    class Meta:
        verbose_name = _("监管对象")
        verbose_name_plural = _("监管对象")
        ordering = ["id"]
        indexes = [models.Index(fields=["jurisdiction", "site_type"])]

    def __str__(self):
        return self.name


class Licence(models.Model):
    enterprise = models.ForeignKey(Enterprise, models.CASCADE, null=True, blank=True, related_name="licences",
                                   verbose_name=_("企业"))
    site = models.ForeignKey(Site, models.CASCADE, null=True, blank=True, related_name="licences",
                             verbose_name=_("监管对象"))
    kind = models.CharField(_("证照类型"), max_length=40, choices=LicenceKind.choices)
    number = models.CharField(_("证号"), max_length=60)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        constraints = [
            models.CheckConstraint(condition=models.Q(enterprise__isnull=False) | models.Q(site__isnull=False),
                                   name="licence_has_holder"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day):
        return not self.revoked and (self.valid_until is None or self.valid_until >= day)
