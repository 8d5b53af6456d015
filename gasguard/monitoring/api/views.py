"""Monitoring API under /api/v1/: devices post readings (device credentials, no user); people see devices and
alarms in their scope and move alarms through their life; the office reads dead letters and edits rules."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from gasguard.org.permissions import IsOffice, ReadOnlyOrOffice
from gasguard.utilities import clock

from .. import rollups, services
from ..choices import DeadLetterReason
from ..ingest import Message, ingest
from ..models import Alarm, AlarmRule, DeadLetter, Device, Reading
from . import serializers as s


class ReadingsThrottle(AnonRateThrottle):
    """Requests per client address (MONITORING_HTTP_RATE)."""

    scope = "device_readings"

    def get_rate(self):
        return settings.MONITORING_HTTP_RATE


class DeadLetterThrottle(ReadingsThrottle):
    """Requests that end as dead letters, per client address (MONITORING_HTTP_DEAD_LETTER_RATE): only failures
    count, so devices that report correctly are never slowed by a neighbour's bad ones."""

    scope = "device_dead_letters"

    def get_rate(self):
        return settings.MONITORING_HTTP_DEAD_LETTER_RATE

    def spent(self, request, view) -> bool:
        # allow_request() without recording this request (DRF's throttle records every request it lets through)
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        self.history = [t for t in self.history if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record(self):
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ReadingsView(APIView):
    """POST the same JSON as over MQTT. The device is named by "device" in the body or the X-Device-Code header;
    its secret by "secret" in the body or the X-Device-Secret header."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ReadingsThrottle]

    @extend_schema(request=None, responses={202: None}, summary="设备上报读数（与 MQTT 报文相同）")
    def post(self, request):
        limit = settings.MONITORING_HTTP_MAX_BODY_BYTES
        size = int(request.headers.get("Content-Length") or 0)
        if size > limit:  # refused before the body is read: nothing is kept
            return Response({"error": _("报文过大：%(size)d 字节，上限 %(limit)d 字节") % {"size": size, "limit": limit}},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        failures = DeadLetterThrottle()
        if failures.spent(request, self):
            return Response({"error": _("该地址近期上报失败过多，请稍后再试（检查设备编码和密钥）")},
                            status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(int(failures.duration))})
        body = request.body
        if len(body) > limit:  # a body without (or with a false) Content-Length
            return Response({"error": _("报文过大：%(size)d 字节，上限 %(limit)d 字节") % {"size": len(body),
                                                                                   "limit": limit}},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        msg = Message(payload=body, device_code=request.headers.get("X-Device-Code", ""),
                      secret=request.headers.get("X-Device-Secret"), source="http", topic=request.path)
        result = ingest([msg])
        if result.dead_letters:
            failures.record()
        answer = {"readings": result.readings, "stored": result.stored, "duplicates": result.duplicates,
                  "dead_letters": result.dead_letters, "alarms_raised": result.alarms_raised}
        if result.rejected:
            reason = result.rejected[0][1]
            answer["error"] = DeadLetterReason(reason).label
            code = (status.HTTP_401_UNAUTHORIZED if reason in (DeadLetterReason.BAD_SECRET,
                    DeadLetterReason.UNKNOWN_DEVICE, DeadLetterReason.INACTIVE_DEVICE)
                    else status.HTTP_400_BAD_REQUEST)
            return Response(answer, status=code)
        return Response(answer, status=status.HTTP_202_ACCEPTED)


class DeviceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = s.DeviceSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyOrOffice]
    filterset_fields = ["kind", "state", "site", "jurisdiction"]
    search_fields = ["code", "name"]

    def get_queryset(self):
        return Device.objects.visible_to(self.request.user).select_related("site")

    @extend_schema(request=s.DeviceCreateSerializer, responses={201: s.DeviceSerializer})
    def create(self, request, *args, **kwargs):
        """Register a device; the answer carries its secret, shown this once."""
        data = s.DeviceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, secret = services.register_device(by=request.user, **data.validated_data)
        return Response({**s.DeviceSerializer(device).data, "secret": secret}, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("metric", str), OpenApiParameter("limit", int)], responses=None)
    @action(detail=True, methods=["get"])
    def readings(self, request, pk=None):
        """The device's latest readings, newest first (metric=…, limit ≤ 5000)."""
        device = self.get_object()
        qs = Reading.objects.filter(device_id=device.pk)
        if request.query_params.get("metric"):
            qs = qs.filter(metric=request.query_params["metric"])
        try:
            limit = min(int(request.query_params.get("limit", 500)), 5000)
        except ValueError:
            limit = 0
        if limit < 1:
            raise ValidationError({"limit": _("limit 须为 1 至 5000 的整数")})
        rows = qs.order_by("-ts").values_list("metric", "ts", "value")[:limit]
        return Response([{"metric": m, "ts": ts, "value": v} for m, ts, v in rows])


    @extend_schema(parameters=[OpenApiParameter("metric", str, required=True),
                               OpenApiParameter("bucket", str, enum=["minute", "hour"]),
                               OpenApiParameter("since", str), OpenApiParameter("until", str)], responses=None)
    @action(detail=True, methods=["get"])
    def series(self, request, pk=None):
        """A metric aggregated on the server into minute or hour buckets (min / avg / max / count), for charts:
        at most a few thousand points whatever the period."""
        device = self.get_object()
        params = request.query_params
        metric = params.get("metric")
        if not metric:
            raise ValidationError({"metric": _("请指定指标，例如 ch4_lel")})
        bucket = params.get("bucket", "minute")
        if bucket not in ("minute", "hour"):
            raise ValidationError({"bucket": _("bucket 须为 minute 或 hour")})
        until = _instant(params, "until") or clock.now()
        since = _instant(params, "since") or until - timedelta(hours=6)
        if since > until:
            raise ValidationError({"since": [_("开始时间不能晚于结束时间")]})
        # From the roll-ups the ingester keeps (rollups.py): a week of minutes costs no scan of raw readings.
        return Response({"device": device.code, "metric": metric, "bucket": bucket,
                         "points": rollups.series(device.pk, metric, bucket, since, until)})


# Bounds of a chart's period: years 1 and 9999 overflowed the bucket arithmetic (a 500).
SERIES_FIRST_YEAR, SERIES_LAST_YEAR = 2000, 2100


def _instant(params, name):
    """?since= / ?until=: ISO 8601 (without an offset, the district's local time, as everywhere in the platform),
    between 2000 and 2100; absent or empty: None. Anything else is a 400 naming the parameter."""
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({name: [_("时间须为 ISO 8601 格式，例如 2026-11-28T10:00:00+08:00")]})
    if not SERIES_FIRST_YEAR <= value.year <= SERIES_LAST_YEAR:
        raise ValidationError({name: [_("时间须在 %(first)d 年至 %(last)d 年之间")
                                      % {"first": SERIES_FIRST_YEAR, "last": SERIES_LAST_YEAR}]})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _alarm_scope(user):
    return Alarm.objects.visible_to(user)


class AlarmViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_fields = ["state", "severity", "alarm_type", "device", "site", "finding"]
    search_fields = ["number", "message", "device__code"]
    ordering_fields = ["raised_at", "id"]

    def get_queryset(self):
        qs = _alarm_scope(self.request.user).select_related("device", "site", "hazard")
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor")
        return qs

    def get_serializer_class(self):
        return s.AlarmDetailSerializer if self.action == "retrieve" else s.AlarmSerializer

    def _act(self, request, serializer_class, verb):
        """The alarm first, in the caller's scope (out of it: 404 whatever the body), then the body, then the verb."""
        alarm = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        alarm = verb(alarm, by=request.user, **data.validated_data)
        return Response(s.AlarmDetailSerializer(self.get_queryset().prefetch_related("events__actor")
                                                .get(pk=alarm.pk)).data)

    @extend_schema(request=s.AlarmNoteSerializer, responses=s.AlarmDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, s.AlarmNoteSerializer, services.acknowledge)

    @extend_schema(request=s.DispatchSerializer, responses=s.AlarmDetailSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_to(self, request, pk=None):
        return self._act(request, s.DispatchSerializer, services.dispatch)

    @extend_schema(request=s.AlarmNoteSerializer, responses=s.AlarmDetailSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        return self._act(request, s.AlarmNoteSerializer, services.arrive)

    @extend_schema(request=s.HandleSerializer, responses=s.AlarmDetailSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        return self._act(request, s.HandleSerializer, services.handle)

    @extend_schema(request=s.AlarmNoteSerializer, responses=s.AlarmDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, s.AlarmNoteSerializer, services.close)


class AlarmRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                       viewsets.GenericViewSet):
    queryset = AlarmRule.objects.all()
    serializer_class = s.AlarmRuleSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyOrOffice]

    def perform_update(self, serializer):
        """Through the service, as the rules page: checked field by field and audited."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            serializer.instance = services.save_rule_from_api(serializer.instance, by=self.request.user,
                                                              **serializer.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


class DeadLetterViewSet(viewsets.ReadOnlyModelViewSet):
    """What the ingesters could not use, newest first (office only)."""

    queryset = DeadLetter.objects.all()
    serializer_class = s.DeadLetterSerializer
    permission_classes = [permissions.IsAuthenticated, IsOffice]
    filterset_fields = ["reason", "device_code", "source"]
