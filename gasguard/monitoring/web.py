"""Monitoring pages: the live alarm board and a device's page (readings chart + alarms). Mounted at /monitoring/
by one line in gasguard/urls.py. Everything is cut to the user's scope (org.scope.site_q through
Device/Alarm.visible_to): an enterprise sees its own devices and alarms, a street those of its area."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path

from gasguard.org.models import Department
from gasguard.org.scope import can_verify

from .choices import AlarmAction, AlarmState, Finding
from .models import Alarm, AlarmRule, Device
from .services import ALLOWED

ACTIONS = [AlarmAction.ACKNOWLEDGE, AlarmAction.DISPATCH, AlarmAction.ARRIVE, AlarmAction.HANDLE, AlarmAction.CLOSE]


def allowed_actions(alarm, user) -> list:
    """The steps this user may take on this alarm now (the services check the same again on POST)."""
    if not can_verify(user):
        return []
    return [a for a in ACTIONS if alarm.state in ALLOWED[a]]


def _rows(alarms, user):
    return [{"alarm": a, "actions": allowed_actions(a, user)} for a in alarms]


@login_required
def alarm_board(request):
    alarms = (Alarm.objects.visible_to(request.user).active().select_related("device", "site")
              .order_by("-raised_at")[:300])
    return render(request, "monitoring/alarm_board.html", {
        "rows": _rows(alarms, request.user), "can_act": can_verify(request.user),
        "units": Department.objects.order_by("name") if can_verify(request.user) else [],
        "findings": Finding.choices, "states": AlarmState.choices})


@login_required
def alarm_row(request, pk):
    """One row of the board, rendered on the server (the board fetches it when the stream says the alarm moved)."""
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user).select_related("device", "site"), pk=pk)
    return render(request, "monitoring/_alarm_row.html", {"r": _rows([alarm], request.user)[0]})


@login_required
def device_page(request, pk):
    device = get_object_or_404(Device.objects.visible_to(request.user).select_related("site", "jurisdiction"), pk=pk)
    # The metrics the device's rules watch, its own measurement first and the battery last.
    metrics = sorted({r.metric for r in AlarmRule.objects.filter(is_active=True).exclude(metric="")
                      if r.applies_to(device.kind)}, key=lambda m: (m == "battery", m)) or ["ch4_lel"]
    alarms = device.alarms.select_related("site").order_by("-raised_at")[:50]
    return render(request, "monitoring/device.html", {"device": device, "metrics": metrics,
                                                      "rows": [{"alarm": a, "actions": []} for a in alarms]})


urlpatterns = [
    path("alarms/", alarm_board, name="alarm_board"),
    path("alarms/<int:pk>/row/", alarm_row, name="alarm_row"),
    path("devices/<int:pk>/", device_page, name="device_page"),
]
