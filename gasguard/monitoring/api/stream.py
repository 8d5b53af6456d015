"""GET /api/v1/alarm-stream/: server-sent events for a live alarm board (the page itself belongs to the web app).

Each alarm step (raised, refreshed-after-recovery, cleared, acknowledged, dispatched … closed, escalated) in the
user's scope is one event; `id` is the AlarmEvent id, so a browser's EventSource resumes with Last-Event-ID after a
reconnect. Without it the stream starts with what happens next (`?after=<id>` to replay). A connection is held at
most MONITORING_STREAM_HOLD_SECONDS (or `timeout`, if shorter), and only while the process has a free stream slot;
otherwise it is answered at once. Either way it ends with the last event id and `retry:`, and EventSource
reconnects on its own (monitoring/README.md, "The alarm stream")."""
import json
import math
import time

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from .. import streams
from ..choices import AlarmAction, Severity
from ..models import Alarm, AlarmEvent

POLL_S = 1.0
# A comment line on every quiet poll: writing is how the server learns the browser has gone (a closed tab would
# otherwise keep a thread polling the database until `timeout`). A few bytes a second per open board.
KEEPALIVE_S = POLL_S


class EventStreamRenderer(BaseRenderer):
    media_type = "text/event-stream"
    format = "sse"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def event_data(ev: AlarmEvent) -> dict:
    a = ev.alarm
    return {"event_id": ev.pk, "action": ev.action, "at": ev.at.isoformat(),
            "alarm": {"id": a.pk, "number": a.number, "severity": a.severity, "state": a.state,
                      "alarm_type": a.alarm_type, "message": a.message, "last_value": a.last_value,
                      "device": a.device.code, "site": a.site.name, "lat": a.device.lat, "lon": a.device.lon,
                      "cleared": a.cleared_at is not None},
            # The board plays a sound for a new or renewed second-level alarm.
            "sound": a.severity == Severity.LEVEL2 and ev.action in (AlarmAction.RAISE, AlarmAction.RERAISE)}


MAX_TIMEOUT_S = 3600
MAX_EVENT_ID = 2**63 - 1


def _after(request):
    """Where to resume: Last-Event-ID (the browser's) or ?after=; None: from what happens next."""
    for name, value in (("Last-Event-ID", request.headers.get("Last-Event-ID")),
                        ("after", request.query_params.get("after"))):
        if value is None or value == "":
            continue
        if not value.isascii() or not value.isdigit() or int(value) > MAX_EVENT_ID:
            raise ValidationError({name: [_("须为报警事件编号（非负整数）")]})
        return int(value)
    return None


def _timeout(request) -> float:
    """The longest the client wants the connection held, in seconds: a finite number from 0 to 3600."""
    raw = request.query_params.get("timeout")
    if raw is None or raw == "":
        return MAX_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_TIMEOUT_S:
        raise ValidationError({"timeout": [_("须为 0 至 %(max)d 之间的秒数") % {"max": MAX_TIMEOUT_S}]})
    return value


class _HeldStream:
    """The events of one held stream; close() (called by the server when the response ends, read or not) gives
    back the process's and the user's slots."""

    def __init__(self, events, user_id, user_slot):
        self._events = events
        self._release = (user_id, user_slot)

    def __iter__(self):
        return self._events

    def close(self):
        if self._release is None:
            return
        user_id, slot = self._release
        self._release = None
        try:
            self._events.close()
            streams.release_user_slot(user_id, slot)
        finally:
            streams.release_process_slot()


class AlarmStreamView(APIView):
    renderer_classes = [EventStreamRenderer, JSONRenderer]

    @extend_schema(parameters=[OpenApiParameter("after", int, description="从该报警事件编号之后开始"),
                               OpenApiParameter("timeout", float, description="连接最长保持秒数（0–3600）")],
                   responses={(200, "text/event-stream"): str,
                              400: OpenApiResponse(description="参数错误"),
                              429: OpenApiResponse(description="本用户打开的实时推送过多")},
                   summary="报警实时推送（SSE）")
    def get(self, request):
        after = _after(request)
        timeout = min(_timeout(request), settings.MONITORING_STREAM_HOLD_SECONDS)
        scope = Alarm.objects.visible_to(request.user).values("pk")
        last = after if after is not None else (AlarmEvent.objects.aggregate(m=Max("id"))["m"] or 0)
        retry = f"retry: {settings.MONITORING_STREAM_RETRY_MS}\n\n"

        def pending():
            nonlocal last
            rows = list(AlarmEvent.objects.filter(pk__gt=last, alarm__in=scope)
                        .select_related("alarm__device", "alarm__site").order_by("pk")[:200])
            for ev in rows:
                last = ev.pk
            return [f"id: {ev.pk}\nevent: alarm\ndata: {json.dumps(event_data(ev), ensure_ascii=False)}\n\n"
                    for ev in rows]

        # An id line alone moves the browser's Last-Event-ID without an event: the next connection resumes here
        # even when this one carried nothing.
        if timeout <= 0 or not streams.take_process_slot():
            body = [retry, *pending(), f"id: {last}\n\n"]
            return self._response(HttpResponse("".join(body).encode()))
        user_slot = streams.take_user_slot(request.user.pk)
        if user_slot is None:
            streams.release_process_slot()
            raise Throttled(detail=_("您打开的报警实时推送已达 %(n)d 个，请先关闭其他页面")
                            % {"n": settings.MONITORING_STREAM_MAX_PER_USER})

        def events():
            yield retry
            end = time.monotonic() + timeout
            quiet_since = time.monotonic()
            while True:
                rows = pending()
                yield from rows
                if rows:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= KEEPALIVE_S:
                    yield ": keep-alive\n\n"
                    quiet_since = time.monotonic()
                if time.monotonic() >= end:
                    break
                time.sleep(min(POLL_S, max(0.0, end - time.monotonic())))
            yield f"id: {last}\n\n"

        return self._response(StreamingHttpResponse(_HeldStream(events(), request.user.pk, user_slot)))

    def handle_exception(self, exc):
        # An error (400, 429) is said in JSON, also to a client that accepts events only.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)

    @staticmethod
    def _response(response):
        response["Content-Type"] = "text/event-stream; charset=utf-8"
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
