"""Who is who: jurisdictions, departments, enterprises and users with their scope."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gasguard.utilities.credit_code import credit_code_error

from .choices import EnterpriseKind, Level, Role
from .roles import NOTHING, sees_everything


class SharedQuerySet(models.QuerySet):
    """The territorial tree and the member units are the campaign's shared map: every signed-in user reads them."""

    def visible_to(self, user):
        return self if user.is_authenticated else self.none()


class Jurisdiction(models.Model):
    """A node of the territorial tree: district → zone / street-town → community → grid."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级"))
    # Materialised path of codes ("120116/120116-S01/…/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=400, db_index=True, editable=False)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    radius_km = models.FloatField(_("半径（公里）"), default=2.0)
    # GeoJSON geometry (WGS-84) of the outline, loaded from a file by `gasguard load_outlines`.
    outline = models.JSONField(_("边界"), null=True, blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("属地")
        verbose_name_plural = _("属地")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.short_name or self.name

    def ancestors(self, include_self=True):
        """From this node up to the root, nearest first."""
        codes = [c for c in self.path.split("/") if c]
        if not include_self:
            codes = codes[:-1]
        by_code = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        return [by_code[c] for c in reversed(codes) if c in by_code]

    def territorial_unit(self):
        """The zone or street/town that holds this node (属地责任单位), or None for the district."""
        return next((j for j in self.ancestors() if j.level in (Level.ZONE, Level.STREET)), None)


class Department(models.Model):
    """A member unit of the task force (区城市管理委, 区市场监管局, a fire brigade …)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    # Parallel units (the five fire brigades) share a group; a hazard goes to the one whose territory holds the site.
    group = models.CharField(_("并列单位组"), max_length=20, blank=True)
    territory = models.ManyToManyField(Jurisdiction, blank=True, related_name="covering_departments",
                                       verbose_name=_("负责区域"))
    is_office = models.BooleanField(_("专班办公室所在单位"), default=False)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["id"]

    def __str__(self):
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The enterprises `user` may see: the office and the departments all of them, an enterprise itself, a
        street or zone those of its area, a department's inspector all of them."""
        if not user.is_authenticated:
            return self.filter(NOTHING)
        if sees_everything(user) or user.role == Role.DEPARTMENT:
            return self
        if user.role == Role.ENTERPRISE:
            return self.filter(pk=user.enterprise_id) if user.enterprise_id else self.filter(NOTHING)
        if user.jurisdiction_id:
            return self.filter(jurisdiction__path__startswith=user.jurisdiction.path)
        if user.role == Role.INSPECTOR and user.department_id:
            return self
        return self.filter(NOTHING)


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("企业类型"), max_length=20, choices=EnterpriseKind.choices)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    safety_officer = models.CharField(_("安全负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="enterprises",
                                     verbose_name=_("所属属地"))

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        self.credit_code = (self.credit_code or "").strip().upper()
        error = credit_code_error(self.credit_code)
        if error:
            raise ValidationError({"credit_code": error})


class User(AbstractUser):
    """A person who signs for what they do. The role and its unit set what they may see."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=30, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.INSPECTOR)
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="users",
                                   verbose_name=_("所属成员单位"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="users",
                                     verbose_name=_("所属属地"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, null=True, blank=True, related_name="users",
                                   verbose_name=_("所属企业"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def unit_name(self):
        unit = self.department or self.jurisdiction or self.enterprise
        return str(unit) if unit else ""

    def clean(self):
        needs = {Role.DEPARTMENT: "department", Role.JURISDICTION: "jurisdiction", Role.ENTERPRISE: "enterprise",
                 Role.AGENCY: "enterprise"}
        field = needs.get(self.role)
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError({field: _("该角色必须指定所属单位")})
        if self.role == Role.AGENCY and self.enterprise.kind != EnterpriseKind.INSPECTION_AGENCY:
            raise ValidationError({"enterprise": _("检验机构账号必须属于企业类型为“气瓶检验机构”的单位")})
        if self.role == Role.INSPECTOR and not (self.department_id or self.jurisdiction_id):
            raise ValidationError({"department": _("检查人员必须属于一个成员单位或属地")})
