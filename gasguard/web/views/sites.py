"""The site register and the site page."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from gasguard.hazards.choices import OPEN_STATES
from gasguard.hazards.filtersets import jurisdiction_subtree
from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection
from gasguard.org.models import Jurisdiction
from gasguard.org.scope import hazard_q, inspection_q
from gasguard.sites.choices import Fuel, SiteType
from gasguard.sites.models import Site
from gasguard.utilities import clock

from .map import map_config


@login_required
def sites(request):
    qs = Site.objects.visible_to(request.user).select_related("jurisdiction", "enterprise")
    g = request.GET
    if g.get("site_type"):
        qs = qs.filter(site_type=g["site_type"])
    if g.get("fuel"):
        qs = qs.filter(fuel=g["fuel"])
    if g.get("jurisdiction"):
        qs = jurisdiction_subtree(qs, g["jurisdiction"])
    if g.get("q"):
        qs = qs.filter(Q(name__icontains=g["q"]) | Q(address__icontains=g["q"]) | Q(contact_person__icontains=g["q"]))
    open_hazards = Hazard.objects.filter(hazard_q(request.user), state__in=OPEN_STATES)
    qs = qs.annotate(open_hazards=Count("hazards", filter=Q(hazards__in=open_hazards)))
    page = Paginator(qs.order_by("name", "id"), 30).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    return render(request, "web/sites.html", {
        "page": page, "query": params.urlencode(), "site_types": SiteType.choices, "fuels": Fuel.choices,
        "jurisdictions": Jurisdiction.objects.filter(level__in=["zone", "street"]).order_by("level", "code")})


@login_required
def site_detail(request, pk):
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("jurisdiction", "enterprise"),
                             pk=pk)
    hazards = (Hazard.objects.filter(hazard_q(request.user), site=site).select_related("lead_unit")
               .order_by("-found_at")[:100])
    inspections = (Inspection.objects.filter(inspection_q(request.user), site=site).select_related("inspector")
                   .order_by("-inspected_at")[:50])
    return render(request, "web/site.html", {
        "site": site, "hazards": hazards, "inspections": inspections, "licences": site.licences.all(),
        "today": clock.today(), "map_config": map_config()})
