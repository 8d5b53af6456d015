"""Pages: the cylinder register, the station's gate page (a large green or red answer), one cylinder's life, what a
customer received and what a station filled. Scoped like the API: out of scope is not found."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from gasguard.sites.choices import GAS_USING_TYPES, SiteType
from gasguard.sites.models import Site

from . import codes, services, trace
from .checklist import points_for
from .models import Customer, Cylinder, Filling, Sale, Worker
from .scope import acts_for, customer_q, cylinder_q, is_inspection_agency, sale_q, station_record_q


@login_required
def index(request):
    qs = Cylinder.objects.filter(cylinder_q(request.user)).select_related("owner").order_by("id")
    q = codes.normalise(request.GET.get("q", ""))
    if q:
        qs = qs.filter(code__startswith=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "cylinders/index.html", {"page": page, "q": q})


@login_required
def gate(request):
    """The station's gate: scan (or type) a code, see allow in green or refuse in red with every reason."""
    stations = list(Site.objects.visible_to(request.user).filter(site_type=SiteType.FILLING_STATION)
                    .select_related("enterprise").order_by("name"))
    context = {"stations": stations, "check": None, "error": ""}
    if request.method == "POST":
        station = next((s for s in stations if str(s.pk) == request.POST.get("station")), None)
        if station is None:
            raise Http404
        try:
            context["check"] = services.gate_check(code=request.POST.get("code", ""), station=station,
                                                   by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            context["error"] = "；".join(getattr(exc, "messages", [str(exc)]))
        context["station_id"] = station.pk
    return render(request, "cylinders/gate.html", context)


class PeriodicInspectionForm(forms.Form):
    code = forms.CharField(label=_("气瓶编码"), max_length=40)
    inspected_on = forms.DateField(label=_("检验日期"), widget=forms.DateInput(attrs={"type": "date"}))
    passed = forms.TypedChoiceField(label=_("检验结论"), choices=[("1", _("合格")), ("0", _("不合格（报废）"))],
                                    coerce=lambda v: v == "1")
    report_number = forms.CharField(label=_("检验报告编号"), max_length=60, required=False)
    extend_life = forms.BooleanField(label=_("延长使用年限"), required=False)


@login_required
def periodic_inspection(request):
    """The inspection agency's page: the code on the cylinder in front of it, the result, the report number."""
    if not is_inspection_agency(request.user):
        raise PermissionDenied(_("定期检验只能由检验机构的账号登记"))
    form = PeriodicInspectionForm(request.POST or None)
    done, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            code = codes.normalise(data.pop("code"))
            cylinder = None if codes.code_error(code) else Cylinder.objects.filter(code=code).first()
            if cylinder is None:
                form.add_error("code", _("未找到编码为“%(code)s”的气瓶") % {"code": code})
            else:
                try:
                    done = services.record_periodic_inspection(cylinder, by=request.user, **data)
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, messages)
        if done is None:
            status = 400
        else:
            form = PeriodicInspectionForm()
    return render(request, "cylinders/periodic_inspection.html", {"form": form, "done": done}, status=status)


@login_required
def cylinder_page(request, code):
    code = codes.normalise(code)
    if codes.code_error(code):
        raise Http404
    cylinder = get_object_or_404(Cylinder.objects.filter(cylinder_q(request.user)).select_related("owner"), code=code)
    return render(request, "cylinders/trace.html", {"cylinder": cylinder, "events": trace.cylinder_trace(cylinder, request.user)})


@login_required
def customer_page(request, pk):
    """The customer, its ID and phone numbers masked; a POST (field, reason) shows one whole to whom may see it."""
    customer = get_object_or_404(Customer.objects.filter(customer_q(request.user))
                                 .select_related("enterprise", "jurisdiction"), pk=pk)
    context = {"customer": customer, "revealed": {}, "errors": {}, "post": request.POST,
               "can_reveal": {f: services.may_reveal(request.user, customer, f) for f in services.REVEALABLE}}
    status = 200
    if request.method == "POST":
        field = request.POST.get("field", "")
        try:
            context["revealed"][field] = services.reveal(customer, field, request.POST.get("reason"), by=request.user)
        except ValidationError as exc:
            context["errors"], status = exc.message_dict, 400
        except PermissionDenied as exc:
            context["errors"], status = {"field": [str(exc)]}, 403
        except services.TooManyReveals as exc:
            context["errors"], status = {"reason": [str(exc)]}, 429
    context["rows"] = trace.received_by(customer, request.user)[:500]
    return render(request, "cylinders/customer.html", context, status=status)


@login_required
def signals_page(request):
    """Signals for the inspectors, each with its evidence (regulators only, like the API)."""
    from . import signals
    from .scope import is_regulator

    if not is_regulator(request.user):
        raise Http404
    data = signals.all_signals()
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=[h["customer"] for h in data["heavy_consumers"]])}
    for h in data["heavy_consumers"]:
        h["name"] = str(customers.get(h["customer"], ""))
    stations = dict(Site.objects.filter(pk__in={r["station"] for r in data["refilled_outside_chain"]})
                    .values_list("pk", "name"))
    for r in data["refilled_outside_chain"]:
        r["station_name"] = stations.get(r["station"], "")
    return render(request, "cylinders/signals.html", {"s": data})


@login_required
def reminders_page(request):
    """The in-app notices of cylinders whose inspection or service life ends soon: an enterprise sees those of its
    cylinders (to it, and those to pass on to its customers); regulators see all."""
    from .models import Reminder
    from .scope import is_regulator

    qs = Reminder.objects.select_related("cylinder", "customer", "enterprise").order_by("due_on", "id")
    if not is_regulator(request.user):
        if not request.user.enterprise_id:
            raise Http404
        qs = qs.filter(cylinder__owner_id=request.user.enterprise_id)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "cylinders/reminders.html", {"page": page})


@login_required
def station_page(request, pk):
    station = get_object_or_404(Site.objects.visible_to(request.user).filter(site_type=SiteType.FILLING_STATION), pk=pk)
    rows = trace.filled_at_station(station).filter(station_record_q(request.user))[:500]
    return render(request, "cylinders/station.html", {"station": station, "rows": rows,
                                                      "block": services.active_block(station)})


def scan(request, code, token=None):
    """What the QR label opens, for anyone, without an account: who fills this cylinder (its phone masked), its last
    filling, its inspection validity and whether it is fit for use. No personal data. The label's URL carries a
    token (an HMAC of the code), so the registry cannot be read by walking the codes; a code alone (a label printed
    before the token) answers only whether the cylinder is fit for use."""
    from gasguard.utilities import clock
    from gasguard.utilities.pii import mask_phone

    from .labels import token_matches

    code = codes.normalise(code)
    problem = codes.code_error(code)
    if token is not None and (problem or not token_matches(code, token)):
        raise Http404  # a wrong token reads as an unknown cylinder: no oracle for guessing
    cylinder = None if problem else Cylinder.objects.select_related("owner").filter(code=code).first()
    if cylinder is None and not problem:
        raise Http404
    last = (Filling.objects.filter(cylinder=cylinder).select_related("station").order_by("-filled_at").first()
            if cylinder else None)
    today = clock.today()
    return render(request, "cylinders/scan.html", {
        "code": code, "problem": problem, "cylinder": cylinder, "last": last, "full": token is not None,
        "owner_phone": mask_phone(cylinder.owner.phone) if cylinder and cylinder.owner.phone else "",
        "fit": cylinder.fit_on(today) if cylinder else False,
        "status": cylinder.get_status_display() if cylinder else ""}, status=400 if problem else 200)


@login_required
def labels(request):
    """A4 sheets of QR labels for the cylinders in scope (those named in ?codes=A,B or, without it, up to 240)."""
    from .labels import label_sheet

    qs = Cylinder.objects.filter(cylinder_q(request.user)).select_related("owner").order_by("id")
    wanted = [codes.normalise(c) for c in request.GET.get("codes", "").split(",") if c.strip()]
    if wanted:
        qs = qs.filter(code__in=wanted)
    pdf = label_sheet(list(qs[:240]), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="cylinder-labels.pdf"'
    return response


@login_required
def deliver(request, pk):
    """On the courier's phone: the safety check at the premises, item by item, photos, the user's signature."""
    sale = get_object_or_404(Sale.objects.filter(sale_q(request.user))
                             .select_related("customer", "customer__site", "seller", "site"), pk=pk)
    if not acts_for(request.user, sale.seller):
        # only the seller delivers (services.deliver): nobody else reads its buyer's form
        raise Http404
    site = services.usage_site_of(sale)
    points = points_for(site or Site(site_type=SiteType.HOUSEHOLD))
    errors, values = {}, {}
    if request.method == "POST":
        values = {p.key: request.POST.get(p.key, "") for p in points}
        try:
            delivery = services.deliver(sale=sale, answers={k: v for k, v in values.items() if v != ""},
                                        acknowledged_by=request.POST.get("acknowledged_by", ""), by=request.user,
                                        photos=request.FILES.getlist("photos"))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return render(request, "cylinders/delivered.html", {"sale": sale, "delivery": delivery,
                                                                "hazards": delivery.hazards.all()})
    return render(request, "cylinders/deliver.html", {"sale": sale, "site": site, "points": points,
                                                      "errors": errors, "values": values},
                  status=400 if errors else 200)


def _known_sites(enterprise):
    """The usage sites a seller already knows: its buyers' own sites and the sites named in its sales. (A site
    not in this list is named by its number; any registered gas-using site may be, as in the API.)"""
    return (Site.objects.filter(Q(cylinder_customers__enterprise=enterprise) | Q(cylinder_sales__seller=enterprise),
                                site_type__in=GAS_USING_TYPES, is_active=True)
            .exclude(site_type=SiteType.HOUSEHOLD).distinct().order_by("name"))


@login_required
def sell(request):
    """The seller's counter: a registered buyer, where the gas is used (a person may run a small restaurant), the
    scanned codes, the courier and the safety checker; a refusal shows every reason in red."""
    from django.shortcuts import redirect

    enterprise = request.user.enterprise
    if enterprise is None or not acts_for(request.user, enterprise):
        raise Http404
    customers = Customer.objects.filter(enterprise=enterprise).select_related("site").order_by("name")
    workers = Worker.objects.filter(enterprise=enterprise).order_by("role", "name")
    context = {"customers": customers, "workers": workers, "sites": _known_sites(enterprise), "reasons": [],
               "errors": {}, "post": request.POST}
    if request.method == "POST":
        customer = customers.filter(pk=request.POST.get("customer") or None).first()
        courier = workers.filter(pk=request.POST.get("courier") or None).first()
        checker = workers.filter(pk=request.POST.get("safety_checker") or None).first()
        # A typed site number wins over the list (the list only holds the sites this seller already knows).
        site = request.POST.get("site_number", "").strip() or request.POST.get("site", "").strip() or None
        if customer is None:
            context["errors"] = {"customer": [_("请选择已登记的用户")]}
        elif site is not None and not site.isdigit():
            context["errors"] = {"site": [_("用气场所编号“%(site)s”应为数字") % {"site": site}]}
        else:
            try:
                sale = services.sell(seller=enterprise, customer=customer, by=request.user, courier=courier,
                                     safety_checker=checker, codes_sold=request.POST.get("codes", "").split(),
                                     usage_address=request.POST.get("usage_address", ""), site=site)
            except services.Refused as exc:
                context["reasons"] = exc.as_list()
            except ValidationError as exc:
                context["errors"] = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                return redirect("cylinders_deliver", pk=sale.pk)
    failed = bool(context["reasons"] or context["errors"])
    return render(request, "cylinders/sell.html", context, status=400 if failed else 200)
