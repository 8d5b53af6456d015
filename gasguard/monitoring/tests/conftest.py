"""Monitoring tests use the real broker (MQTT_URL, Mosquitto at 127.0.0.1:1883 here) and fail — not skip — when it
cannot be reached. Each test gets its own topic prefix and share group, so parallel runs never hear each other."""
import socket
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from gasguard.monitoring import caches
from gasguard.monitoring.mqtt import broker_address


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches.reset_caches()
    cache.clear()  # the HTTP endpoint's throttles count per address in Django's cache
    yield
    caches.reset_caches()
    cache.clear()


@pytest.fixture(scope="session")
def broker():
    host, port = broker_address()
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        pytest.fail(f"The monitoring tests need the MQTT broker at {settings.MQTT_URL} ({exc}). Start Mosquitto "
                    f"(apt-get install mosquitto; service mosquitto start) or set MQTT_URL.", pytrace=False)
    return settings.MQTT_URL


@pytest.fixture
def topic_prefix(broker):
    return f"ggtest/{uuid.uuid4().hex[:12]}"
