"""The hazard page: everything about it, the timeline of signed steps, and only the actions this user may take."""
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gasguard.org.roles import can_verify

from .. import services
from ..choices import Action, LookBackResult
from ..models import Hazard, HazardEvent


def _hazard(request, pk):
    user = request.user
    qs = (Hazard.objects.visible_to(user)
          .select_related("site", "jurisdiction", "enterprise", "item", "lead_unit", "found_by", "rectified_by",
                          "verified_by", "inspection", "rebound_of")
          # The hazards and orders it links to, each only if the user may see it by itself.
          .prefetch_related("co_units", Prefetch("events", HazardEvent.objects.select_related("actor")
                                                 .prefetch_related("photos")),
                            Prefetch("rebounds", Hazard.objects.visible_to(user)),
                            # Orders are campaign's (a layer above): reached through the relation it declares.
                            Prefetch("supervision_orders",
                                     Hazard.supervision_orders.rel.related_model.objects.visible_to(user))))
    return get_object_or_404(qs, pk=pk)


def _pending_lookback(hazard, user):
    if not can_verify(user):
        return None
    return hazard.lookbacks.filter(result=LookBackResult.PENDING).first()


def _render(request, hazard, errors=None, form_action=None, status=200):
    return render(request, "hazards/hazard.html", {
        "h": hazard, "actions": services.allowed_actions(hazard, request.user), "A": Action,
        "lookback": _pending_lookback(hazard, request.user),
        "errors": errors or {}, "form_action": form_action, "post": request.POST if errors else {},
        "territorial_unit": hazard.jurisdiction.territorial_unit(),
        # the hazard it rebounded from, if the user may see that one too
        "rebound_of": hazard.rebound_of if hazard.rebound_of_id and Hazard.objects.visible_to(
            request.user).filter(pk=hazard.rebound_of_id).exists() else None,
    }, status=status)


@login_required
def hazard_detail(request, pk):
    return _render(request, _hazard(request, pk))


def _date(value, field):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("请填写有效的日期，例如 2024-01-31")})


@login_required
@require_POST
def hazard_action(request, pk, action):
    hazard = _hazard(request, pk)
    by, post, files = request.user, request.POST, request.FILES.getlist("photos")
    verbs = {
        Action.START: lambda: services.start_rectification(hazard, by=by, note=post.get("note", "")),
        Action.CONTROL: lambda: services.control(hazard, by=by, measures=post.get("measures", ""),
                                                 deadline=_date(post.get("deadline"), "deadline")),
        Action.SUBMIT: lambda: services.submit(hazard, by=by, note=post.get("note", ""), photos=files),
        Action.VERIFY_PASS: lambda: services.verify(hazard, by=by, passed=True, note=post.get("note", ""),
                                                    photos=files),
        Action.VERIFY_FAIL: lambda: services.verify(hazard, by=by, passed=False, note=post.get("note", ""),
                                                    photos=files),
        Action.REASSIGN: lambda: services.reassign(hazard, by=by, responsible_person=post.get("responsible_person", ""),
                                                   responsible_phone=post.get("responsible_phone", ""),
                                                   note=post.get("note", "")),
    }
    lookback = _pending_lookback(hazard, by)
    if lookback is not None:
        verbs["lookback"] = lambda: services.record_lookback(lookback, by=by, rebound=post.get("rebound") == "1",
                                                             note=post.get("note", ""))
    if action not in verbs:
        raise Http404
    try:
        verbs[action]()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _render(request, _hazard(request, pk), errors=errors, form_action=action, status=400)
    except PermissionDenied as exc:
        return _render(request, _hazard(request, pk), errors={"__all__": [str(exc)]}, form_action=action, status=403)
    messages.success(request, _("已记录回头看结果") if action == "lookback" else _("已完成：%(label)s") % {
        "label": Action(action).label})
    return redirect("hazard", pk=pk)
