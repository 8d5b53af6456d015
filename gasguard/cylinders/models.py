"""The cylinder chain (一瓶一码): registry, gate checks, fillings, buyers, sales, deliveries with the safety check,
returns. Rows are never deleted: a cylinder's code is retired with it and never issued again."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gasguard.org.models import Enterprise, Jurisdiction
from gasguard.sites.models import Site
from gasguard.utilities import clock, pii
from gasguard.utilities.uuid7 import uuid7

from .choices import CustomerKind, CylinderModel, Status, WorkerRole


class CodeCounter(models.Model):
    """One row: the serial of the last code the platform issued. Locked while issuing, so no code is issued twice."""

    last = models.BigIntegerField(default=0)


class Cylinder(models.Model):
    code = models.CharField(_("气瓶编码"), max_length=32, unique=True)
    maker = models.CharField(_("制造单位"), max_length=100)
    maker_serial = models.CharField(_("出厂编号"), max_length=40)
    manufactured_on = models.DateField(_("制造日期"))
    model = models.CharField(_("型号"), max_length=20, choices=CylinderModel.choices)
    nominal_fill_kg = models.DecimalField(_("公称充装量（kg）"), max_digits=6, decimal_places=1)
    owner = models.ForeignKey(Enterprise, models.PROTECT, related_name="cylinders", verbose_name=_("产权单位"))
    last_inspected_on = models.DateField(_("上次定期检验日期"), null=True, blank=True)
    next_inspection_due = models.DateField(_("下次检验日期"), db_index=True)
    service_life_ends = models.DateField(_("使用年限截止日期"), db_index=True)
    life_extended = models.BooleanField(_("经检验延长使用年限"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.IN_SERVICE,
                              db_index=True)
    registered_at = models.DateTimeField(_("登记时间"), default=clock.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                      verbose_name=_("登记人"))
    retired_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("气瓶")
        verbose_name_plural = _("气瓶")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["maker", "maker_serial"], name="one_code_per_cylinder")]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self):
        return self.code

    def effective_status(self, on=None):
        """The stored status, or 'due for inspection' when an in-service cylinder's date has passed."""
        on = on or clock.today()
        if self.status == Status.IN_SERVICE and self.next_inspection_due < on:
            return Status.DUE_INSPECTION
        return self.status

    def fit_on(self, day) -> bool:
        return (self.status == Status.IN_SERVICE and self.next_inspection_due >= day
                and self.service_life_ends >= day)


class StatusChange(models.Model):
    """A decision on a cylinder: scrapped, seized, black-listed, back in service, or a periodic inspection."""

    cylinder = models.ForeignKey(Cylinder, models.PROTECT, related_name="status_changes", verbose_name=_("气瓶"))
    at = models.DateTimeField(_("时间"), default=clock.now)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("原因"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))

    class Meta:
        verbose_name = _("气瓶状态变更")
        verbose_name_plural = _("气瓶状态变更")
        ordering = ["at", "id"]


class PeriodicInspection(models.Model):
    cylinder = models.ForeignKey(Cylinder, models.PROTECT, related_name="inspections", verbose_name=_("气瓶"))
    inspected_on = models.DateField(_("检验日期"))
    passed = models.BooleanField(_("检验合格"))
    agency = models.CharField(_("检验机构"), max_length=100)
    report_number = models.CharField(_("检验报告编号"), max_length=60, blank=True)
    extended_life = models.BooleanField(_("延长使用年限"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        verbose_name = _("气瓶定期检验")
        verbose_name_plural = _("气瓶定期检验")
        ordering = ["inspected_on", "id"]


class StationBlock(models.Model):
    """The regulator's lock on a filling station (the filling scale can be stopped remotely, DB4114/T 185)."""

    station = models.ForeignKey(Site, models.PROTECT, related_name="cylinder_blocks", verbose_name=_("充装站"))
    reason = models.CharField(_("原因"), max_length=200)
    blocked_at = models.DateTimeField(_("锁定时间"), default=clock.now)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("锁定人"))
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("解除人"))

    class Meta:
        verbose_name = _("充装站锁定")
        verbose_name_plural = _("充装站锁定")
        ordering = ["-blocked_at"]


class Worker(models.Model):
    """A certified person of an enterprise: filling operator, delivery person or safety checker."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="cylinder_workers",
                                   verbose_name=_("所属企业"))
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("岗位"), max_length=20, choices=WorkerRole.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=60)
    certificate_valid_until = models.DateField(_("证书有效期至"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("平台账号"))

    class Meta:
        verbose_name = _("持证人员")
        verbose_name_plural = _("持证人员")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def certified_on(self, day) -> bool:
        return bool(self.certificate_number) and self.certificate_valid_until >= day


class GateCheck(models.Model):
    """One scan at a filling station's gate, allowed or refused with every reason. Refusals are kept too.

    An append-only log written on the gate's hot path, so its references carry no database constraint: the one
    statement that writes a check reads the station and the cylinder it names, stations, cylinders and users are never
    deleted (PROTECT, and cylinders are retired), and a constraint would lock the cylinder's, the station's and the
    user's row on every scan (three more page writes and their WAL per check)."""

    client_id = models.UUIDField(_("终端记录编号"), unique=True, default=uuid7)
    code = models.CharField(_("扫描编码"), max_length=40)
    # No single-column indexes on the two keys: the (cylinder, checked_at) and (station, checked_at) indexes below
    # serve those lookups, and every index is one more write on the gate's hot insert.
    cylinder = models.ForeignKey(Cylinder, models.PROTECT, null=True, blank=True, related_name="gate_checks",
                                 verbose_name=_("气瓶"), db_index=False, db_constraint=False)
    station = models.ForeignKey(Site, models.PROTECT, related_name="gate_checks", verbose_name=_("充装站"),
                                db_index=False, db_constraint=False)
    allowed = models.BooleanField(_("允许充装"))
    reasons = models.JSONField(_("拒绝原因"), default=list, blank=True)
    # The reasons' codes, comma-separated ("not_own,inspection_overdue"): searchable alike on SQLite and PostgreSQL.
    reason_codes = models.CharField(_("拒绝原因代码"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), db_index=True)
    received_at = models.DateTimeField(_("接收时间"), default=clock.now)
    offline = models.BooleanField(_("离线补传"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("操作人"), db_constraint=False)

    class Meta:
        verbose_name = _("充装前检查（门禁）")
        verbose_name_plural = _("充装前检查（门禁）")
        ordering = ["checked_at", "id"]
        indexes = [models.Index(fields=["station", "checked_at"]), models.Index(fields=["cylinder", "checked_at"])]


class Filling(models.Model):
    client_id = models.UUIDField(_("终端记录编号"), unique=True, default=uuid7)
    cylinder = models.ForeignKey(Cylinder, models.PROTECT, related_name="fillings", verbose_name=_("气瓶"))
    station = models.ForeignKey(Site, models.PROTECT, related_name="fillings", verbose_name=_("充装站"))
    # One allowing gate check opens the way for one filling only.
    gate_check = models.OneToOneField(GateCheck, models.PROTECT, related_name="filling",
                                      verbose_name=_("充装前检查"))
    operator = models.ForeignKey(Worker, models.PROTECT, related_name="fillings", verbose_name=_("充装人员"))
    filled_at = models.DateTimeField(_("充装时间"), db_index=True)
    net_weight_kg = models.DecimalField(_("充装净重（kg）"), max_digits=6, decimal_places=2)
    pre_checks = models.JSONField(_("充装前检查"), default=dict)
    post_checks = models.JSONField(_("充装后检查"), default=dict)
    post_checks_passed = models.BooleanField(_("充装后检查合格"), default=True)
    received_at = models.DateTimeField(_("接收时间"), default=clock.now)
    offline = models.BooleanField(_("离线补传"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))

    class Meta:
        verbose_name = _("充装记录")
        verbose_name_plural = _("充装记录")
        ordering = ["filled_at", "id"]
        indexes = [models.Index(fields=["station", "filled_at"]), models.Index(fields=["cylinder", "filled_at"])]


class Customer(models.Model):
    """A buyer registered by a seller (实名制): a person with a resident ID number, or a business."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="cylinder_customers",
                                   verbose_name=_("登记企业"))
    kind = models.CharField(_("用户类型"), max_length=20, choices=CustomerKind.choices)
    name = models.CharField(_("姓名或单位名称"), max_length=200)
    # Personal data: encrypted (Fernet); the keyed hash finds the same person (phone) again; the masked form is all
    # that is shown. Other records refer to the customer, never copy these (reveal() shows them, with a reason).
    phone_encrypted = models.TextField(_("联系电话（密文）"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=30, blank=True)
    id_number_encrypted = models.TextField(_("身份证号码（密文）"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    site = models.ForeignKey(Site, models.PROTECT, null=True, blank=True, related_name="cylinder_customers",
                             verbose_name=_("用气场所"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="cylinder_customers",
                                     verbose_name=_("属地"))
    address = models.CharField(_("用气地址"), max_length=200)
    registered_at = models.DateTimeField(_("登记时间"), default=clock.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                      verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("用气用户")
        verbose_name_plural = _("用气用户")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "id_number_hash"], condition=~models.Q(id_number_hash=""),
                                    name="one_customer_per_person"),
            models.UniqueConstraint(fields=["enterprise", "credit_code"], condition=~models.Q(credit_code=""),
                                    name="one_customer_per_business"),
        ]

    def __str__(self):
        return self.name

    def id_number(self) -> str:
        """The whole number. Only cylinders.services.reveal calls this (it checks and records)."""
        return pii.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    def phone_number(self) -> str:
        """The whole phone number: cylinders.services.reveal, and the SMS gateway at the moment of sending."""
        return pii.decrypt(self.phone_encrypted) if self.phone_encrypted else ""

    # A template never calls these (it renders nothing instead): a page shows the masked forms.
    id_number.alters_data = phone_number.alters_data = True

    @property
    def name_masked(self) -> str:
        """A person's surname only (a business keeps its name): what records about the customer carry."""
        return pii.mask_name(self.name) if self.kind == CustomerKind.PERSON else self.name


pii.register(Customer, "id_number_encrypted", "id_number_hash", label="身份证号码")
pii.register(Customer, "phone_encrypted", "phone_hash", label="联系电话")


class Sale(models.Model):
    number = models.CharField(_("销售单号"), max_length=30, unique=True)
    seller = models.ForeignKey(Enterprise, models.PROTECT, related_name="cylinder_sales", verbose_name=_("销售企业"))
    customer = models.ForeignKey(Customer, models.PROTECT, related_name="sales", verbose_name=_("用户"))
    usage_address = models.CharField(_("用气地址"), max_length=200)
    # The registered place where the gas is used, when the seller names one for this sale (a person running a small
    # restaurant, a company with several canteens); else the buyer's own site. The catering rules follow it.
    site = models.ForeignKey(Site, models.PROTECT, null=True, blank=True, related_name="cylinder_sales",
                             verbose_name=_("用气场所"))
    # Where the gas is used: the street sees the sales in its area.
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="cylinder_sales",
                                     verbose_name=_("属地"))
    cylinders = models.ManyToManyField(Cylinder, through="SaleItem", related_name="sales", verbose_name=_("气瓶"))
    sold_at = models.DateTimeField(_("销售时间"), db_index=True)
    courier = models.ForeignKey(Worker, models.PROTECT, related_name="deliveries_assigned",
                                verbose_name=_("配送人员"))
    safety_checker = models.ForeignKey(Worker, models.PROTECT, related_name="checks_assigned",
                                       verbose_name=_("安检人员"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("实名制销售")
        verbose_name_plural = _("实名制销售")
        ordering = ["-sold_at", "-id"]


class SaleItem(models.Model):
    sale = models.ForeignKey(Sale, models.PROTECT, related_name="items")
    cylinder = models.ForeignKey(Cylinder, models.PROTECT, related_name="sale_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sale", "cylinder"], name="cylinder_once_per_sale")]


class Delivery(models.Model):
    """The delivery to the premises with the safety check there (随瓶安检) and the user's acknowledgement."""

    sale = models.OneToOneField(Sale, models.PROTECT, related_name="delivery", verbose_name=_("销售"))
    site = models.ForeignKey(Site, models.PROTECT, related_name="cylinder_deliveries", verbose_name=_("用气场所"))
    delivered_at = models.DateTimeField(_("送达时间"))
    courier = models.ForeignKey(Worker, models.PROTECT, related_name="deliveries", verbose_name=_("配送人员"))
    safety_checker = models.ForeignKey(Worker, models.PROTECT, related_name="safety_checks",
                                       verbose_name=_("安检人员"))
    checklist = models.JSONField(_("安检结果"), default=dict)
    failed_count = models.PositiveIntegerField(_("不合格项数"), default=0)
    acknowledged_by = models.CharField(_("用户确认签名"), max_length=50)
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="+", verbose_name=_("隐患"))
    photos = models.ManyToManyField("inspections.Photo", blank=True, related_name="+", verbose_name=_("照片"))
    notice = models.FileField(_("隐患整改通知书"), upload_to="cylinders/notices/%Y/%m/", blank=True)
    notice_sha256 = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("配送与随瓶安检")
        verbose_name_plural = _("配送与随瓶安检")
        ordering = ["-delivered_at"]


class CylinderReturn(models.Model):
    """The empty cylinder scanned back from the user."""

    cylinder = models.ForeignKey(Cylinder, models.PROTECT, related_name="returns", verbose_name=_("气瓶"))
    sale = models.ForeignKey(Sale, models.PROTECT, related_name="returns", verbose_name=_("所属销售"))
    returned_at = models.DateTimeField(_("回收时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))

    class Meta:
        verbose_name = _("空瓶回收")
        verbose_name_plural = _("空瓶回收")
        ordering = ["returned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["cylinder", "sale"], name="return_once_per_sale")]


class Reminder(models.Model):
    """An outbox row: the owner or the last customer is told that a cylinder's inspection or service life ends within
    30 days (Beijing's rule, §1.4). Keyed on cylinder, kind, date and recipient, so queueing twice adds nothing; a
    sender claims rows with a conditional UPDATE … WHERE sent_at IS NULL."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("定期检验到期")
        SERVICE_LIFE = "service_life", _("使用年限到期")

    class Recipient(models.TextChoices):
        OWNER = "owner", _("产权单位")
        CUSTOMER = "customer", _("用户")

    cylinder = models.ForeignKey(Cylinder, models.PROTECT, related_name="reminders", verbose_name=_("气瓶"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("到期日"))
    recipient = models.CharField(_("接收方"), max_length=20, choices=Recipient.choices)
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(Customer, models.PROTECT, null=True, blank=True, related_name="reminders")
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("生成时间"), default=clock.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["cylinder", "kind", "due_on", "recipient"],
                                               name="one_reminder_per_due_date")]
