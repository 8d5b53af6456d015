"""一张图: sites and open hazards on a map, coloured by severity and state, with jurisdiction outlines."""
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render

from gasguard.hazards.choices import OPEN_STATES
from gasguard.hazards.filtersets import HazardFilter
from gasguard.hazards.models import Hazard
from gasguard.monitoring.choices import DeviceKind
from gasguard.monitoring.models import Alarm, Device
from gasguard.org.models import Jurisdiction
from gasguard.sites.choices import SiteType
from gasguard.sites.models import Site
from gasguard.utilities import clock
from gasguard.utilities.maps import map_config


@login_required
def map_page(request):
    return render(request, "web/map.html", {"map_config": map_config(), "site_types": SiteType.choices})


@login_required
def map_points(request):
    """Compact arrays, not GeoJSON features: thousands of points stay small on the wire."""
    user = request.user
    sites = Site.objects.visible_to(user).filter(lat__isnull=False, lon__isnull=False)
    if request.GET.get("site_type"):
        sites = sites.filter(site_type=request.GET["site_type"])
    site_rows = list(sites.values_list("pk", "lat", "lon", "name", "site_type"))
    hazards = Hazard.objects.visible_to(user).filter(state__in=OPEN_STATES, site__lat__isnull=False)
    f = HazardFilter(request.GET, queryset=hazards)
    if f.is_valid():
        hazards = f.qs
    today = clock.today()
    hazard_rows = [[pk, lat, lon, number, sev, state, deadline < today, desc[:40]]
                   for pk, lat, lon, number, sev, state, deadline, desc in
                   hazards.values_list("pk", "site__lat", "site__lon", "number", "severity", "state", "deadline",
                                       "description")[:20000]]
    return JsonResponse({"sites": site_rows, "hazards": hazard_rows, "devices": device_rows(request)})


def device_rows(request) -> list:
    """Monitoring devices in the user's scope: [id, lat, lon, code, state, kind label, site name], where state is
    normal / alarm / offline / fault (fault = an open alarm whose finding was a device fault, or a low battery).
    ?device_state=… filters; ?devices=0 leaves them out."""
    if request.GET.get("devices") == "0":
        return []
    devices = Device.objects.visible_to(request.user).filter(is_active=True, lat__isnull=False, lon__isnull=False)
    rows = list(devices.values_list("pk", "lat", "lon", "code", "state", "kind", "site__name")[:20000])
    faulty = set(Alarm.objects.active().filter(device__in=devices).filter(
        Q(finding="device_fault") | Q(alarm_type="low_battery", cleared_at=None)).values_list("device_id", flat=True))
    kinds = dict(DeviceKind.choices)
    out = []
    wanted = request.GET.get("device_state")
    for pk, lat, lon, code, state, kind, site in rows:
        shown = "fault" if pk in faulty and state != "alarm" else {"online": "normal"}.get(state, state)
        if wanted and shown != wanted:
            continue
        out.append([pk, lat, lon, code, shown, str(kinds.get(kind, kind)), site])
    return out


@login_required
def map_outlines(request):
    feats = [{"type": "Feature", "geometry": j.outline,
              "properties": {"code": j.code, "name": j.name, "level": j.level}}
             for j in Jurisdiction.objects.filter(outline__isnull=False, level__in=["district", "zone", "street"])]
    return JsonResponse({"type": "FeatureCollection", "features": feats})
