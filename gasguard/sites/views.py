"""The site register and the site page. A site's hazards and inspections are reached through its relations (those
apps sit above this one) and cut to what the user may see by their own visible_to rules."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from gasguard.org.models import Jurisdiction
from gasguard.utilities import clock
from gasguard.utilities.maps import map_config

from .choices import Fuel, SiteType
from .filtersets import SiteFilter
from .models import Site


@login_required
def sites(request):
    g = request.GET
    qs = SiteFilter(g, queryset=Site.objects.visible_to(request.user).select_related("jurisdiction", "enterprise")).qs
    open_hazards = Site.hazards.rel.related_model.objects.visible_to(request.user).open()
    qs = qs.annotate(open_hazards=Count("hazards", filter=Q(hazards__in=open_hazards)))
    page = Paginator(qs.order_by("name", "id"), 30).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    return render(request, "sites/sites.html", {
        "page": page, "query": params.urlencode(), "site_types": SiteType.choices, "fuels": Fuel.choices,
        "jurisdictions": Jurisdiction.objects.filter(level__in=["zone", "street"]).order_by("level", "code")})


@login_required
def site_detail(request, pk):
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("jurisdiction", "enterprise"),
                             pk=pk)
    hazards = site.hazards.visible_to(request.user).select_related("lead_unit").order_by("-found_at")[:100]
    inspections = (site.inspections.visible_to(request.user).select_related("inspector")
                   .order_by("-inspected_at")[:50])
    return render(request, "sites/site.html", {
        "site": site, "hazards": hazards, "inspections": inspections, "licences": site.licences.all(),
        "today": clock.today(), "map_config": map_config()})
