"""Evidence photos (inspections' Photo, of an inspection or of a hazard's step), served here because who may see
one depends on both rules, and hazards sits above inspections."""
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from rest_framework.exceptions import AuthenticationFailed

from gasguard.inspections.models import Inspection, Photo
from gasguard.utilities import uploads
from gasguard.utilities.tokens import ExpiringTokenAuthentication

from ..models import Hazard


def _user(request):
    """The browser's session, or the API's token: the API hands out these photo addresses."""
    if request.user.is_authenticated:
        return request.user
    try:
        found = ExpiringTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def photo(request, pk):
    """Evidence photos are shown only to those who may see the hazard or inspection they belong to."""
    user = _user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    photo = Photo.objects.filter(pk=pk).select_related("hazard_event", "inspection").first()
    if photo is None:
        raise Http404
    allowed = False
    if photo.hazard_event_id:
        allowed = Hazard.objects.visible_to(user).filter(pk=photo.hazard_event.hazard_id).exists()
    if not allowed and photo.inspection_id:
        allowed = Inspection.objects.visible_to(user).filter(pk=photo.inspection_id).exists()
    if not allowed:
        raise Http404
    fileobj = photo.file.open("rb")
    content_type, ext = uploads.sniff(fileobj)
    return uploads.download(fileobj, f"photo-{photo.pk}.{ext}", content_type)
