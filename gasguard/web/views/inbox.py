"""我的待办: what waits for this user to rectify, verify or look back at, and what is overdue."""
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from gasguard.cylinders.models import Reminder
from gasguard.hazards.choices import OPEN_STATES, LookBackResult, State
from gasguard.hazards.models import Hazard, LookBack
from gasguard.org.choices import Role
from gasguard.org.roles import can_verify
from gasguard.utilities import clock


def inbox_lists(user):
    visible = Hazard.objects.visible_to(user).select_related("site", "lead_unit")
    if user.role == Role.ENTERPRISE:
        mine = Q()  # an enterprise rectifies everything of its own
    elif user.role == Role.INSPECTOR:
        mine = Q(responsible_user=user) | Q(found_by=user)
    else:
        mine = Q(responsible_user=user) | Q(lead_unit_id=user.department_id) if user.department_id else Q()
    to_rectify = visible.filter(mine, state__in=[State.OPEN, State.RECTIFYING, State.CONTROLLED]).order_by("deadline")
    to_verify = visible.none()
    if can_verify(user):
        to_verify = (visible.filter(state=State.SUBMITTED).exclude(rectified_by=user).exclude(responsible_user=user)
                     .order_by("submitted_at"))
    overdue = visible.filter(state__in=OPEN_STATES, deadline__lt=clock.today()).order_by("deadline")
    lookbacks = (LookBack.objects.filter(hazard__in=visible.values("pk"), result=LookBackResult.PENDING)
                 .select_related("hazard", "hazard__site") if can_verify(user) else LookBack.objects.none())
    lists = {"to_rectify": to_rectify, "to_verify": to_verify, "overdue": overdue, "lookbacks": lookbacks}
    if user.role == Role.ENTERPRISE and user.enterprise_id:  # the section is shown only where this list exists
        lists["reminders"] = cylinder_reminders(user)
    return lists


def cylinder_reminders(user):
    """An enterprise's own cylinders whose inspection or service life ends soon (the owner's in-app reminders, sent
    and not yet past): the enterprise must have them inspected or scrapped. Regulators have the reminders page."""
    return (Reminder.objects.filter(cylinder__owner_id=user.enterprise_id, recipient=Reminder.Recipient.OWNER,
                                    sent_at__isnull=False, due_on__gte=clock.today())
            .select_related("cylinder").order_by("due_on", "id"))


@login_required
def inbox(request):
    lists = inbox_lists(request.user)
    limit = 50
    return render(request, "web/inbox.html", {
        **{k: v[:limit] for k, v in lists.items()},
        "counts": {k: v.count() for k, v in lists.items()}, "limit": limit})
