import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gasguard.settings")
application = get_wsgi_application()

# Load the URL configuration, and with it every view module, while the worker starts rather than on its first request:
# on a small machine that import takes seconds, and the first reader to reach a fresh worker would wait for it.
from django.urls import get_resolver  # noqa: E402

_ = get_resolver().url_patterns
