from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import render

from gasguard.hazards.choices import OPEN_STATES, State
from gasguard.hazards.models import Hazard
from gasguard.hazards.services import today
from gasguard.inspections.models import Inspection, Photo
from gasguard.org.scope import hazard_q, inspection_q, site_q
from gasguard.sites.models import Site


@login_required
def home(request):
    """The user's own slice of the ledger: what is open, overdue, major and closed."""
    user = request.user
    hazards = Hazard.objects.filter(hazard_q(user))
    overdue = Q(state__in=OPEN_STATES, deadline__lt=today())
    figures = hazards.aggregate(
        total=Count("id"), closed=Count("id", filter=Q(state=State.CLOSED)),
        open=Count("id", filter=Q(state__in=OPEN_STATES)), overdue=Count("id", filter=overdue),
        major_open=Count("id", filter=Q(state__in=OPEN_STATES, severity="major")))
    figures["rate"] = round(100 * figures["closed"] / figures["total"], 1) if figures["total"] else 0
    by_state = {row["state"]: row["n"] for row in hazards.values("state").annotate(n=Count("id"))}
    states = [(label, by_state.get(value, 0)) for value, label in State.choices]
    return render(request, "web/home.html", {
        "figures": figures, "states": states,
        "sites": Site.objects.filter(site_q(user)).count(),
        "inspections": Inspection.objects.filter(inspection_q(user)).count(),
        "recent": hazards.select_related("site", "lead_unit").order_by("-found_at")[:15],
    })


@login_required
def photo(request, pk):
    """Evidence photos are shown only to those who may see the hazard or inspection they belong to."""
    photo = Photo.objects.filter(pk=pk).select_related("hazard_event", "inspection").first()
    if photo is None:
        raise Http404
    user = request.user
    allowed = False
    if photo.hazard_event_id:
        allowed = Hazard.objects.filter(hazard_q(user), pk=photo.hazard_event.hazard_id).exists()
    if not allowed and photo.inspection_id:
        allowed = Inspection.objects.filter(inspection_q(user), pk=photo.inspection_id).exists()
    if not allowed:
        raise Http404
    return FileResponse(photo.file.open("rb"))
