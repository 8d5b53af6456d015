"""The cylinder chain's API under /api/v1/cylinders/. Every lookup is cut to the user's scope (404 otherwise); every
write goes through cylinders.services."""
import json
import uuid
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    content_negotiation_class,
    permission_classes,
    renderer_classes,
)
from rest_framework.exceptions import Throttled
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from gasguard.org.models import Enterprise, Jurisdiction
from gasguard.sites.models import Site
from gasguard.utilities import jsonbody, pii, uploads

from .. import codes, services, trace
from ..models import Customer, Cylinder, Delivery, Filling, Sale, Worker
from ..scope import (
    customer_q,
    cylinder_q,
    is_inspection_agency,
    sale_q,
    sees_notice,
    station_record_q,
    with_customer_in_scope,
)
from . import serializers as s
from .auth import CachedTokenAuthentication

MAX_ID = 2**63 - 1  # a bigint key

# The readers' hot paths: the token resolved from the worker's cache (api/auth.py), not the database, each time.
READER_AUTH = [CachedTokenAuthentication, SessionAuthentication]


class JSONOnly(DefaultContentNegotiation):
    """A reader's endpoint answers JSON whatever it accepts: its Accept header is not parsed on the hot path
    (DRF's negotiation was a tenth of the gate check's own time in the worker). Request bodies are negotiated as
    usual."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def cylinder_or_404(user, code) -> Cylinder:
    code = codes.normalise(code)
    problem = codes.code_error(code)
    if problem:
        raise ValidationError({"code": problem})
    return get_object_or_404(Cylinder.objects.filter(cylinder_q(user)).select_related("owner"), code=code)


def agency_cylinder_or_404(user, code) -> Cylinder:
    """An inspection agency is handed the cylinder itself: it finds any cylinder by the code on it; the rest are
    refused (403) by the service, or not found when out of their scope."""
    if not is_inspection_agency(user):
        return cylinder_or_404(user, code)
    code = codes.normalise(code)
    problem = codes.code_error(code)
    if problem:
        raise ValidationError({"code": problem})
    return get_object_or_404(Cylinder.objects.select_related("owner"), code=code)


def station_or_404(user, pk) -> Site:
    return get_object_or_404(Site.objects.visible_to(user).select_related("enterprise", "jurisdiction"), pk=pk)


def _enterprise_for(user, pk):
    """The enterprise a write is for: the user's own, or (for the office) the one named."""
    if pk is None:
        if not user.enterprise_id:
            raise ValidationError({"enterprise": _("请指定企业")})
        return user.enterprise
    return get_object_or_404(Enterprise, pk=pk)


def _id(value, field, what):
    """An id sent as a form field or JSON value: a positive integer within a bigint, else a 400 naming the field."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ValidationError({field: _("%(what)s须为编号（正整数）") % {"what": what}})
    return value


def _worker(enterprise, pk, field):
    worker = Worker.objects.filter(pk=pk, enterprise=enterprise).first()
    if worker is None:
        raise ValidationError({field: _("本企业没有该人员")})
    return worker


def refused_response(exc: services.Refused):
    return Response({"allowed": False, "reasons": exc.as_list()}, status=status.HTTP_400_BAD_REQUEST)


# --- registry -----------------------------------------------------------------------------------------------------

class CylinderList(generics.ListCreateAPIView):
    serializer_class = s.CylinderSerializer
    filterset_fields = ["status", "model", "owner"]
    search_fields = ["code", "maker_serial"]
    ordering_fields = ["id", "next_inspection_due", "service_life_ends"]

    def get_queryset(self):
        return Cylinder.objects.filter(cylinder_q(self.request.user)).select_related("owner").order_by("id")

    @extend_schema(request=s.CylinderRegisterSerializer, responses={201: s.CylinderSerializer})
    def post(self, request):
        if not isinstance(request.data, Mapping):
            raise ValidationError({"non_field_errors": _("请求内容须为 JSON 对象")})
        serializer = s.CylinderRegisterSerializer(data={"owner": request.user.enterprise_id, **request.data})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        owner = get_object_or_404(Enterprise, pk=data.pop("owner"))
        cylinder = services.register_cylinder(owner=owner, by=request.user, **data)
        return Response(s.CylinderSerializer(cylinder).data, status=status.HTTP_201_CREATED)


@extend_schema(responses=s.CylinderSerializer)
@api_view(["GET"])
def cylinder_detail(request, code):
    return Response(s.CylinderSerializer(cylinder_or_404(request.user, code)).data)


@extend_schema(responses={200: OpenApiResponse(description="气瓶全生命周期事件，按时间排序")})
@api_view(["GET"])
@authentication_classes(READER_AUTH)
def cylinder_trace(request, code):
    # Two round trips: the cylinder in the user's scope, then its whole life in one statement.
    code = codes.normalise(code)
    problem = codes.code_error(code)
    if problem:
        raise ValidationError({"code": problem})
    cylinder = trace.visible_cylinder(request.user, code)
    if cylinder is None:
        raise Http404
    return Response({"cylinder": s.cylinder_data(cylinder), "events": trace.cylinder_trace(cylinder, request.user)})


@extend_schema(request=s.StatusChangeSerializer, responses=s.CylinderSerializer)
@api_view(["POST"])
def cylinder_status(request, code):
    cylinder = cylinder_or_404(request.user, code)  # out of scope: not found, whatever the body
    data = _valid(s.StatusChangeSerializer, request)
    cylinder = services.change_status(cylinder, to_status=data["status"], reason=data["reason"], by=request.user)
    return Response(s.CylinderSerializer(cylinder).data)


@extend_schema(request=s.PeriodicInspectionSerializer, responses=s.CylinderSerializer)
@api_view(["POST"])
def cylinder_inspection(request, code):
    cylinder = agency_cylinder_or_404(request.user, code)
    data = _valid(s.PeriodicInspectionSerializer, request)
    services.record_periodic_inspection(cylinder, by=request.user, **data)
    cylinder.refresh_from_db()
    return Response(s.CylinderSerializer(cylinder).data)


# --- liveness for the stations' readers (and the framework's floor in `gasguard bench gate`) ---------------------

@extend_schema(responses={200: OpenApiResponse(description="服务可用")}, auth=[])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def ping(request):
    """Answers without authentication or the database: a reader checks that the platform is reachable."""
    return Response({"ok": True})


@extend_schema(responses={200: OpenApiResponse(description="服务可用，凭据有效")})
@api_view(["GET"])
def ping_auth(request):
    """Answers once the reader's credentials are accepted (one query: the token)."""
    return Response({"ok": True})


# --- the gate and filling -----------------------------------------------------------------------------------------

def _gate_input(data) -> dict:
    """The reader's request, checked by hand (a DRF serializer cost more than the rest of the view): code (text),
    station (an id), checked_at (ISO 8601, checked by the service), client_id (a UUID). Errors name the field."""
    if not hasattr(data, "get"):
        raise ValidationError({"non_field_errors": _("请求内容须为 JSON 对象")})
    errors = {}
    code = data.get("code")
    if code is None:
        errors["code"] = _("请填写气瓶编码")
    elif isinstance(code, (int, float)) and not isinstance(code, bool):
        code = str(code)  # as DRF's CharField: a number scanned as a number is still a code
    elif not isinstance(code, str):
        errors["code"] = _("气瓶编码须为文本")
    elif "\x00" in code:  # a form body (JSON is refused at parsing): PostgreSQL text cannot hold it
        errors["code"] = _("气瓶编码含有空字符")
    station = data.get("station")
    if isinstance(station, str) and station.strip().isdigit():
        station = int(station)
    if station is None or station == "":
        errors["station"] = _("请填写充装站")
    elif isinstance(station, bool) or not isinstance(station, int) or not 0 < station <= MAX_ID:
        errors["station"] = _("充装站须为编号（正整数）")
    client_id = data.get("client_id") or None
    if client_id is not None:
        try:
            client_id = uuid.UUID(str(client_id))
        except ValueError:
            errors["client_id"] = _("终端记录编号须为 UUID")
    checked_at = data.get("checked_at") or None
    if checked_at is not None and not isinstance(checked_at, str):
        errors["checked_at"] = _("检查时间须为 ISO 8601 文本")
    if errors:
        raise ValidationError(errors)
    return {"code": code, "station": station, "checked_at": checked_at, "client_id": client_id}


def _json_body(request):
    """A reader's JSON body read at once (DRF's parser negotiation cost a fifth of the gate's own work); any other
    content type goes through DRF's parsers as usual."""
    raw = request._request
    if raw.content_type != "application/json":
        return request.data
    # The API's own checks (malformed, too deep, a NUL: 400), at the cost of a few byte counts.
    return jsonbody.loads(raw.body) if raw.body else {}


@extend_schema(request=s.GateCheckInSerializer, responses={201: s.GateCheckSerializer},
               description="充装站读码器：允许或拒绝充装，并给出全部拒绝原因；每次检查均留存记录。")
@api_view(["POST"])
@authentication_classes(READER_AUTH)
@renderer_classes([JSONRenderer])
@content_negotiation_class(JSONOnly)
def gate_check(request):
    data = _gate_input(_json_body(request))
    try:
        check = services.gate_check(code=data["code"], station=data["station"], by=request.user,
                                    checked_at=data["checked_at"], client_id=data["client_id"])
    except services.NoSuchStation:
        raise Http404
    except PermissionDenied:
        # A station outside the user's scope does not exist for them; one they see but may not operate: 403.
        if not Site.objects.visible_to(request.user).filter(pk=data["station"]).exists():
            raise Http404
        raise
    # The serializer's shape, encoded once by hand: the reader's hot path (DRF's renderer would do the same work).
    body = {"id": check.pk, "client_id": str(check.client_id), "code": check.code, "cylinder": check.cylinder_id,
            "station": check.station_id, "allowed": check.allowed, "reasons": check.reasons,
            "checked_at": timezone.localtime(check.checked_at, timezone.get_default_timezone()).isoformat(),
            "offline": check.offline}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        content_type="application/json", status=status.HTTP_201_CREATED)


class FillingList(generics.ListCreateAPIView):
    serializer_class = s.FillingSerializer
    filterset_fields = ["station", "cylinder", "offline"]

    def get_queryset(self):
        return (Filling.objects.filter(station_record_q(self.request.user))
                .select_related("cylinder", "operator").order_by("-filled_at", "-id"))

    @extend_schema(request=s.FillingInSerializer, responses={201: s.FillingSerializer})
    def post(self, request):
        data = _valid(s.FillingInSerializer, request)
        station = station_or_404(request.user, data["station"])
        filling = services.record_filling(
            gate_check_id=data["gate_check"], code=data["code"], station=station,
            operator=_worker(station.enterprise, data["operator"], "operator"), net_weight_kg=data["net_weight_kg"],
            pre_checks=data["pre_checks"], post_checks=data["post_checks"], by=request.user,
            filled_at=data.get("filled_at"), client_id=data.get("client_id"))
        return Response(s.FillingSerializer(filling).data, status=status.HTTP_201_CREATED)


@extend_schema(request=s.OfflineBatchSerializer, responses={200: OpenApiResponse(description="逐条结果")},
               description="离线补传：按终端记录编号（client_id）去重，重复上传不新增记录。")
@api_view(["POST"])
def offline_batch(request):
    data = _valid(s.OfflineBatchSerializer, request)
    station = station_or_404(request.user, data["station"])
    results = services.upload_offline_batch(station=station, records=data["records"], by=request.user)
    return Response({
        "created": sum(r.outcome == "created" for r in results),
        "duplicates": sum(r.outcome == "duplicate" for r in results),
        "rejected": sum(r.outcome == "rejected" for r in results),
        "results": [r.__dict__ for r in results]})


@extend_schema(responses=s.FillingSerializer(many=True))
@api_view(["GET"])
def station_filled(request, pk):
    station = station_or_404(request.user, pk)
    rows = trace.filled_at_station(station).filter(station_record_q(request.user))[:500]
    return Response(s.FillingSerializer(rows, many=True).data)


@extend_schema(request=s.BlockSerializer, responses={200: OpenApiResponse(description="锁定记录")})
@api_view(["POST"])
def station_block(request, pk):
    station = station_or_404(request.user, pk)
    data = _valid(s.BlockSerializer, request)
    block = services.block_station(station, reason=data["reason"], by=request.user)
    return Response({"id": block.pk, "station": pk, "reason": block.reason, "blocked_at": block.blocked_at})


@extend_schema(request=None, responses={200: OpenApiResponse(description="已解除")})
@api_view(["POST"])
def station_unblock(request, pk):
    block = services.lift_block(station_or_404(request.user, pk), by=request.user)
    return Response({"station": pk, "lifted": block is not None})


# --- people, buyers, sales, deliveries, returns -------------------------------------------------------------------

class WorkerList(generics.ListCreateAPIView):
    serializer_class = s.WorkerSerializer
    filterset_fields = ["role", "enterprise"]

    def get_queryset(self):
        return Worker.objects.filter(_own_q(self.request.user)).order_by("id")

    @extend_schema(request=s.WorkerInSerializer, responses={201: s.WorkerSerializer})
    def post(self, request):
        data = _valid(s.WorkerInSerializer, request)
        enterprise = _enterprise_for(request.user, data.pop("enterprise", None))
        worker = services.register_worker(enterprise=enterprise, by=request.user, **data)
        return Response(s.WorkerSerializer(worker).data, status=status.HTTP_201_CREATED)


def _own_q(user):
    """Enterprise people: the enterprise's own; the regulators see all."""
    from ..scope import _all
    if not user.is_authenticated:
        return Q(pk__in=[])
    if _all(user):
        return Q()
    return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else Q(pk__in=[])


class CustomerList(generics.ListCreateAPIView):
    serializer_class = s.CustomerSerializer
    filterset_fields = ["kind", "enterprise", "site"]
    search_fields = ["name", "address", "credit_code"]

    def get_queryset(self):
        qs = Customer.objects.filter(customer_q(self.request.user)).select_related("enterprise").order_by("id")
        phone = self.request.query_params.get("phone", "").strip()
        # By the whole number, through its keyed hash (under every key, while rows are being rotated).
        return qs.filter(phone_hash__in=pii.lookup_hashes(phone)) if phone else qs

    @extend_schema(parameters=[OpenApiParameter("phone", str, description="完整联系电话（按检索哈希查找，不回显）")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.CustomerInSerializer, responses={201: s.CustomerSerializer})
    def post(self, request):
        data = _valid(s.CustomerInSerializer, request)
        enterprise = _enterprise_for(request.user, data.pop("enterprise", None))
        site = None
        if data.get("site"):
            # A buyer's site belongs to the buyer, not to the seller: any registered site may be named.
            site = get_object_or_404(Site.objects.select_related("jurisdiction"), pk=data.pop("site"))
        jurisdiction = None
        if data.get("jurisdiction"):
            value = data.pop("jurisdiction")
            jurisdiction = Jurisdiction.objects.filter(
                Q(code=value) | Q(pk=int(value) if str(value).isdigit() else None)).first()
            if jurisdiction is None:
                raise ValidationError({"jurisdiction": _("属地不存在")})
        data.pop("site", None)
        data.pop("jurisdiction", None)
        customer = services.register_customer(enterprise=enterprise, by=request.user, site=site,
                                              jurisdiction=jurisdiction, **data)
        return Response(s.CustomerSerializer(customer, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


def customer_or_404(user, pk) -> Customer:
    return get_object_or_404(Customer.objects.filter(customer_q(user)).select_related("enterprise"), pk=pk)


@extend_schema(responses=s.CustomerSerializer)
@api_view(["GET"])
def customer_detail(request, pk):
    return Response(s.CustomerSerializer(customer_or_404(request.user, pk), context={"request": request}).data)


def _reveal(request, customer, field, reason):
    try:
        return services.reveal(customer, field, reason, by=request.user)
    except services.TooManyReveals as exc:
        raise Throttled(detail=str(exc))


@extend_schema(request=s.RevealInSerializer, responses={200: OpenApiResponse(
    description="完整的身份证号码或联系电话（须填原因，每人每小时限 PII_REVEALS_PER_HOUR 次，查看留痕）")})
@api_view(["POST"])
def customer_reveal(request, pk):
    customer = customer_or_404(request.user, pk)
    data = _valid(s.RevealInSerializer, request)
    return Response({"id": customer.pk, data["field"]: _reveal(request, customer, data["field"], data["reason"])})


@extend_schema(request=s.RevealIdInSerializer, responses={200: OpenApiResponse(
    description="完整身份证号码（同 reveal/，field=id_number）")})
@api_view(["POST"])
def customer_reveal_id(request, pk):
    customer = customer_or_404(request.user, pk)
    reason = _valid(s.RevealIdInSerializer, request)["reason"]
    return Response({"id": customer.pk, "id_number": _reveal(request, customer, "id_number", reason)})


@extend_schema(responses={200: OpenApiResponse(description="该用户收到的气瓶")})
@api_view(["GET"])
def customer_received(request, pk):
    customer = customer_or_404(request.user, pk)
    rows = trace.received_by(customer, request.user)[:500]
    return Response([{"sale": i.sale.number, "sold_at": i.sale.sold_at, "seller": str(i.sale.seller),
                      "code": i.cylinder.code, "model": i.cylinder.model,
                      "delivered_at": getattr(getattr(i.sale, "delivery", None), "delivered_at", None)}
                     for i in rows])


class SaleList(generics.ListCreateAPIView):
    serializer_class = s.SaleSerializer
    filterset_fields = ["seller", "customer"]
    search_fields = ["number"]

    def get_queryset(self):
        user = self.request.user
        return (with_customer_in_scope(Sale.objects.filter(sale_q(user)), user).select_related("seller", "customer")
                .prefetch_related(Prefetch("cylinders", queryset=Cylinder.objects.only("id", "code")))
                .order_by("-sold_at", "-id"))

    @extend_schema(request=s.SaleInSerializer, responses={201: s.SaleSerializer})
    def post(self, request):
        data = _valid(s.SaleInSerializer, request)
        customer = customer_or_404(request.user, data["customer"])
        seller = customer.enterprise
        try:
            sale = services.sell(seller=seller, customer=customer, codes_sold=data["codes"],
                                 courier=_worker(seller, data["courier"], "courier"),
                                 safety_checker=_worker(seller, data["safety_checker"], "safety_checker"),
                                 by=request.user, usage_address=data["usage_address"], sold_at=data.get("sold_at"),
                                 site=data["site"])
        except services.Refused as exc:
            return refused_response(exc)
        sale.customer_in_scope = True  # customer_or_404 above
        return Response(s.SaleSerializer(sale).data, status=status.HTTP_201_CREATED)


def sale_or_404(user, pk) -> Sale:
    return get_object_or_404(with_customer_in_scope(Sale.objects.filter(sale_q(user)), user)
                             .select_related("seller", "customer"), pk=pk)


@extend_schema(responses=s.SaleSerializer)
@api_view(["GET"])
def sale_detail(request, pk):
    return Response(s.SaleSerializer(sale_or_404(request.user, pk)).data)


@extend_schema(request=s.DeliveryInSerializer, responses={201: s.DeliverySerializer})
@api_view(["POST"])
def sale_delivery(request, pk):
    sale = sale_or_404(request.user, pk)
    data = _valid(s.DeliveryInSerializer, request)
    answers = data["answers"]
    if isinstance(answers, str):  # multipart, with photos
        try:
            answers = json.loads(answers)
        except ValueError:
            answers = None
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("安检结果须为对象（JSON）")})
    delivery = services.deliver(sale=sale, answers=answers,
                                acknowledged_by=data["acknowledged_by"], by=request.user,
                                delivered_at=data.get("delivered_at"), photos=request.FILES.getlist("photos"))
    return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="隐患整改通知书（PDF）")})
@api_view(["GET"])
def delivery_notice(request, pk):
    delivery = get_object_or_404(Delivery.objects.filter(sale__in=Sale.objects.filter(sale_q(request.user)))
                                 .select_related("sale"), pk=pk)
    if not delivery.notice or not sees_notice(request.user, delivery):
        raise Http404
    return uploads.download(delivery.notice.open("rb"), f"整改通知书-{delivery.sale.number}.pdf", "application/pdf")


@extend_schema(request=s.ReturnInSerializer, responses={201: s.ReturnSerializer})
@api_view(["POST"])
def cylinder_return(request):
    data = _valid(s.ReturnInSerializer, request)
    cylinder_or_404(request.user, data["code"])
    row = services.record_return(code=data["code"], by=request.user, returned_at=data.get("returned_at"))
    return Response(s.ReturnSerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary"}, "owner": {"type": "integer"}}}},
    responses={201: OpenApiResponse(description="已登记数量"), 400: OpenApiResponse(description="逐行逐列的错误")})
@api_view(["POST"])
def cylinder_import(request):
    from .. import bulk

    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": _("请上传 .xlsx 文件")})
    owner = request.data.get("owner") or None
    owner = _enterprise_for(request.user, None if owner is None else _id(owner, "owner", _("企业")))
    try:
        uploads.workbook(upload, _("气瓶导入文件"))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    from ..scope import acts_for
    if not acts_for(request.user, owner):
        raise PermissionDenied(_("只能为本企业登记气瓶"))
    result = bulk.import_cylinders(upload, owner=owner, by=request.user)
    if result.errors:
        return Response({"created": 0, "errors": result.errors}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"created": len(result.created), "codes": [c.code for c in result.created]},
                    status=status.HTTP_201_CREATED)


@extend_schema(responses={200: OpenApiResponse(description="各类预警信号及其证据")})
@api_view(["GET"])
def cylinder_signals(request):
    from .. import signals
    from ..scope import is_regulator

    if not is_regulator(request.user):
        raise PermissionDenied(_("只有专班办公室和成员单位可以查看预警信号"))
    return Response(signals.all_signals())


@extend_schema(responses={200: OpenApiResponse(description="该配送人员送达的气瓶")})
@api_view(["GET"])
def worker_deliveries(request, pk):
    worker = get_object_or_404(Worker.objects.filter(_own_q(request.user)), pk=pk)
    rows = trace.delivered_by(worker).filter(sale__in=Sale.objects.filter(sale_q(request.user)))[:500]
    return Response([{"delivery": d.pk, "delivered_at": d.delivered_at, "sale": d.sale.number,
                      "customer": d.sale.customer.name, "address": d.sale.usage_address,
                      "codes": [c.code for c in d.sale.cylinders.all()], "failed": d.failed_count} for d in rows])


@extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                          OpenApiResponse(description="气瓶批量登记模板")})
@api_view(["GET"])
def import_template(request):
    from django.http import HttpResponse

    from .. import bulk

    response = HttpResponse(bulk.template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="cylinders-template.xlsx"'
    return response
