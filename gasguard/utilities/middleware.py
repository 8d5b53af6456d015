"""Refuse the NUL character in query strings and form bodies before any view sees it: PostgreSQL text cannot hold
it, so a `q=%00` filter or a NUL in a form field failed its statement with a 500. JSON bodies are checked where they
are parsed (utilities/jsonbody.py); multipart text fields by the forms' and serializers' own NUL validators."""
from urllib.parse import parse_qsl

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

FORM = "application/x-www-form-urlencoded"


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return _refused(request, _nul_name(query))
        if request.method == "POST" and request.content_type == FORM and b"%00" in request.body:
            return _refused(request, _nul_name(request.body.decode("latin-1")))
        return self.get_response(request)


def _nul_name(encoded: str) -> str:
    for name, value in parse_qsl(encoded, keep_blank_values=True, encoding="latin-1"):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "")
    return ""


def _refused(request, name):
    message = _("参数“%(name)s”含有空字符（NUL），已拒绝") % {"name": name}
    if request.path.startswith("/api/"):
        return JsonResponse({name or "detail": [message]}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
