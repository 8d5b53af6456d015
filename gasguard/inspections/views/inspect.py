"""The inspection form, made for a phone: the site's checklist, numbers where a rule has one, photos, location,
signature. Everything is validated by inspections.services.record_inspection; a refusal keeps what was typed."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gasguard.catalog.services import checklist_for
from gasguard.org.choices import Role
from gasguard.org.models import Department
from gasguard.sites.models import Site

from .. import services
from ..models import InspectionKind


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
def inspect(request, pk):
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("jurisdiction", "enterprise"),
                             pk=pk)
    user = request.user
    items = checklist_for(site)
    kinds = [(InspectionKind.SELF.value, InspectionKind.SELF.label)] if user.role == Role.ENTERPRISE else [
        (k.value, k.label) for k in (InspectionKind.ROUTINE, InspectionKind.JOINT, InspectionKind.SPECIAL)]
    errors = {}
    if request.method == "POST":
        p = request.POST
        answers = [services.ItemAnswer(code=item.code, result=p.get(f"result_{item.code}", ""),
                                       measured_value=p.get(f"value_{item.code}") or None,
                                       note=p.get(f"note_{item.code}", ""),
                                       photos=request.FILES.getlist(f"photos_{item.code}"))
                   for item in items if p.get(f"result_{item.code}") or p.get(f"value_{item.code}")]
        try:
            present = services.departments_by_ids([int(x) for x in p.getlist("departments_present") if x.isdigit()])
            inspection, found = services.record_inspection(
                site=site, by=user, answers=answers, signature=p.get("signature", ""),
                kind=p.get("kind") or kinds[0][0], departments_present=present, lat=_float(p.get("lat")),
                lon=_float(p.get("lon")), note=p.get("note", ""), responsible_person=p.get("responsible_person", ""),
                responsible_phone=p.get("responsible_phone", ""), photos=request.FILES.getlist("photos"),
                signature_image=p.get("signature_image", ""))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        else:
            if found:
                messages.warning(request, _("检查已签名提交，发现隐患 %(count)s 项，已登记入台账。") % {"count": len(found)})
            else:
                messages.success(request, _("检查已签名提交，未发现隐患（已记录）。"))
            return redirect("site", pk=site.pk)
    return render(request, "inspections/inspect.html", {
        "site": site, "items": items, "kinds": kinds, "errors": errors, "post": request.POST,
        "departments": Department.objects.order_by("id"), "status_code": 400 if errors else 200,
    }, status=400 if errors else 200)
