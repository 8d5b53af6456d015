"""GET /api/v1/alarm-stream/: server-sent events for a live alarm board (the page itself belongs to the web app).

Each alarm step (raised, refreshed-after-recovery, cleared, acknowledged, dispatched … closed, escalated) in the
user's scope is one event; `id` is the AlarmEvent id, so a browser's EventSource resumes with Last-Event-ID after a
reconnect. Without it the stream starts with what happens next (`?after=<id>` to replay). A connection lasts at most
`timeout` seconds (default 300); EventSource reconnects on its own."""
import json
import time

from django.db.models import Max
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

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


class AlarmStreamView(APIView):
    renderer_classes = [EventStreamRenderer, JSONRenderer]

    @extend_schema(parameters=[OpenApiParameter("after", int), OpenApiParameter("timeout", float)],
                   responses={(200, "text/event-stream"): str}, summary="报警实时推送（SSE）")
    def get(self, request):
        scope = Alarm.objects.visible_to(request.user).values("pk")
        start = request.headers.get("Last-Event-ID") or request.query_params.get("after")
        last = int(start) if start and str(start).isdigit() else (AlarmEvent.objects.aggregate(m=Max("id"))["m"] or 0)
        timeout = min(float(request.query_params.get("timeout", 300)), 3600)

        def events():
            nonlocal last
            yield "retry: 3000\n\n"
            end = time.monotonic() + timeout
            quiet_since = time.monotonic()
            while True:
                rows = list(AlarmEvent.objects.filter(pk__gt=last, alarm__in=scope)
                            .select_related("alarm__device", "alarm__site").order_by("pk")[:200])
                for ev in rows:
                    last = ev.pk
                    yield f"id: {ev.pk}\nevent: alarm\ndata: {json.dumps(event_data(ev), ensure_ascii=False)}\n\n"
                if rows:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= KEEPALIVE_S:
                    yield ": keep-alive\n\n"
                    quiet_since = time.monotonic()
                if time.monotonic() >= end:
                    break
                time.sleep(min(POLL_S, max(0.0, end - time.monotonic())))

        response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
