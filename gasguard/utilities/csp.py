"""The Content-Security-Policy of every page (django-csp's CONTENT_SECURITY_POLICY), built from the settings it
depends on."""
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF


def tile_origin(tile_url):
    """The origin the map's tiles come from, as a CSP source: 'http://tiles.example', or '*.tiles.example' for a
    Leaflet URL with a {s} sub-domain. '' when there is no tile server or the URL is not absolute."""
    parts = urlsplit(tile_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("{s}."):
        host = "*." + host[len("{s}."):]
    if "{" in host:  # another placeholder in the host cannot be named in a policy
        return ""
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url=""):
    images = [SELF, "data:", "blob:"]
    origin = tile_origin(tile_url)
    if origin:
        images.append(origin)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            # NONCE adds the request's nonce only on pages that use it (<script nonce="{{ request.csp_nonce }}">).
            "script-src": [SELF, NONCE],
            "style-src": [SELF],
            "img-src": images,
            "connect-src": [SELF],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }
