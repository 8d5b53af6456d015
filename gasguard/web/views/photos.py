from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection, Photo
from gasguard.org.scope import hazard_q, inspection_q


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
