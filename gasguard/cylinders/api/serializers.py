"""API representations of the cylinder chain. Writes go through cylinders.services; ID and phone numbers leave only
masked (customers/<id>/reveal/ shows one whole, with a reason)."""
from rest_framework import serializers

from ..choices import CustomerKind, CylinderModel, Status, WorkerRole
from ..models import Customer, Cylinder, CylinderReturn, Delivery, Filling, GateCheck, Sale, Worker
from ..scope import OTHER_AREA


class CylinderSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    effective_status = serializers.SerializerMethodField()
    fit_for_use = serializers.SerializerMethodField()

    class Meta:
        model = Cylinder
        fields = ["id", "code", "maker", "maker_serial", "manufactured_on", "model", "nominal_fill_kg", "owner",
                  "owner_name", "last_inspected_on", "next_inspection_due", "service_life_ends", "life_extended",
                  "status", "effective_status", "fit_for_use", "registered_at", "retired_at"]

    def get_effective_status(self, obj) -> str:
        return obj.effective_status()

    def get_fit_for_use(self, obj) -> bool:
        from gasguard.utilities import clock
        return obj.fit_on(clock.today())


_CYLINDER = CylinderSerializer()  # its fields built once per process: building them cost more than the trace


def cylinder_data(cylinder) -> dict:
    """CylinderSerializer(cylinder).data, without building the serializer's fields again (the trace's hot path).
    The prototype is only read (to_representation keeps no state), so the worker's threads may share it."""
    return _CYLINDER.to_representation(cylinder)


class CylinderRegisterSerializer(serializers.Serializer):
    owner = serializers.IntegerField(help_text="产权单位（企业 id）；企业用户可省略，默认本企业")
    code = serializers.CharField(required=False, allow_blank=True, help_text="已有标签的编码；省略则由平台发码")
    maker = serializers.CharField()
    maker_serial = serializers.CharField()
    manufactured_on = serializers.DateField()
    model = serializers.ChoiceField(choices=CylinderModel.choices)
    nominal_fill_kg = serializers.DecimalField(max_digits=6, decimal_places=1, required=False)
    last_inspected_on = serializers.DateField(required=False)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Status.SCRAPPED, Status.SEIZED, Status.BLACKLISTED, Status.IN_SERVICE])
    reason = serializers.CharField()


class PeriodicInspectionSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    passed = serializers.BooleanField()
    report_number = serializers.CharField(required=False, allow_blank=True, default="")
    extend_life = serializers.BooleanField(required=False, default=False)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class GateCheckInSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True)
    station = serializers.IntegerField()
    checked_at = serializers.DateTimeField(required=False, help_text="扫码时间；省略为现在")
    client_id = serializers.UUIDField(required=False)


class GateCheckSerializer(serializers.ModelSerializer):
    reasons = ReasonSerializer(many=True, read_only=True)

    class Meta:
        model = GateCheck
        fields = ["id", "client_id", "code", "cylinder", "station", "allowed", "reasons", "checked_at", "offline"]


class FillingInSerializer(serializers.Serializer):
    gate_check = serializers.UUIDField(help_text="允许充装的那次充装前检查的 client_id")
    code = serializers.CharField()
    station = serializers.IntegerField()
    operator = serializers.IntegerField()
    net_weight_kg = serializers.DecimalField(max_digits=6, decimal_places=2)
    pre_checks = serializers.DictField(child=serializers.BooleanField())
    post_checks = serializers.DictField(child=serializers.BooleanField())
    filled_at = serializers.DateTimeField(required=False)
    client_id = serializers.UUIDField(required=False)


class FillingSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="cylinder.code", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True)

    class Meta:
        model = Filling
        fields = ["id", "client_id", "code", "cylinder", "station", "gate_check", "operator", "operator_name",
                  "filled_at", "net_weight_kg", "pre_checks", "post_checks", "post_checks_passed", "offline"]


class OfflineBatchSerializer(serializers.Serializer):
    station = serializers.IntegerField()
    records = serializers.ListField(child=serializers.DictField(), max_length=5000,
                                    help_text="每条：type（gate_check 或 filling）、client_id（UUID）及其字段、原始时间")


class WorkerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Worker
        fields = ["id", "enterprise", "name", "role", "certificate_number", "certificate_valid_until"]


class WorkerInSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False)
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=WorkerRole.choices)
    certificate_number = serializers.CharField()
    certificate_valid_until = serializers.DateField()


class CustomerSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True,
                                      help_text="脱敏显示；完整号码仅区专班办公室可查看（留痕）")
    phone = serializers.CharField(source="phone_masked", read_only=True,
                                  help_text="脱敏显示；销售企业、所在属地和区专班办公室可填写原因查看完整号码（留痕）")

    class Meta:
        model = Customer
        fields = ["id", "enterprise", "kind", "name", "phone", "id_number", "credit_code", "site", "jurisdiction",
                  "address", "registered_at"]


class RevealInSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=[("id_number", "身份证号码"), ("phone", "联系电话")])
    reason = serializers.CharField(max_length=200, help_text="查看原因（必填，记入审计记录）")


class RevealIdInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="查看原因（必填，记入审计记录）")


class CustomerInSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=CustomerKind.choices)
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField(required=False, allow_blank=True, default="")
    jurisdiction = serializers.CharField(required=False, help_text="属地编码或 id（无用气场所的居民用户必填）")
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    credit_code = serializers.CharField(required=False, allow_blank=True, default="")
    site = serializers.IntegerField(required=False)


class SaleSerializer(serializers.ModelSerializer):
    codes = serializers.SerializerMethodField()
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    seller_name = serializers.CharField(source="seller.name", read_only=True)

    class Meta:
        model = Sale
        fields = ["id", "number", "seller", "seller_name", "customer", "customer_name", "usage_address", "site",
                  "jurisdiction", "codes", "sold_at", "courier", "safety_checker"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The buyer only where the view found it in the user's scope (scope.with_customer_in_scope).
        if not getattr(instance, "customer_in_scope", False):
            data["customer"], data["customer_name"] = None, str(OTHER_AREA)
        return data

    def get_codes(self, obj) -> list[str]:
        return [c.code for c in obj.cylinders.all()]


class SaleInSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField(), min_length=1)
    courier = serializers.IntegerField()
    safety_checker = serializers.IntegerField()
    usage_address = serializers.CharField(required=False, allow_blank=True, default="")
    site = serializers.IntegerField(required=False, allow_null=True, default=None,
                                    help_text="用气场所 id（不填则为用户登记的场所）：个人经营的餐饮店等；"
                                              "餐饮企业、单位食堂不得使用50kg气瓶")
    sold_at = serializers.DateTimeField(required=False)


class DeliveryInSerializer(serializers.Serializer):
    answers = serializers.JSONField(help_text="安检项：pass / fail / na，测量项填数值（hose_length_m、stored_kg）；"
                                              "以 multipart 上传照片（photos）时为 JSON 字符串")
    acknowledged_by = serializers.CharField()
    delivered_at = serializers.DateTimeField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    hazards = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    notice_url = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ["id", "sale", "site", "delivered_at", "courier", "safety_checker", "checklist", "failed_count",
                  "acknowledged_by", "hazards", "notice_url", "notice_sha256"]

    def get_notice_url(self, obj) -> str | None:
        return f"/api/v1/cylinders/deliveries/{obj.pk}/notice.pdf" if obj.notice else None


class ReturnInSerializer(serializers.Serializer):
    code = serializers.CharField()
    returned_at = serializers.DateTimeField(required=False)


class ReturnSerializer(serializers.ModelSerializer):
    class Meta:
        model = CylinderReturn
        fields = ["id", "cylinder", "sale", "returned_at"]


class BlockSerializer(serializers.Serializer):
    reason = serializers.CharField()
