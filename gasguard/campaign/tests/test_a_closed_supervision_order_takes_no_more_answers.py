"""Once the office has closed (办结) a supervision order, its unit cannot answer it any more — by the page, the API
or the service — and the closed order keeps the answer it had; only the addressed unit answers an open order."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gasguard.campaign import services
from gasguard.campaign.models import SupervisionOrder
from gasguard.campaign.units import user_unit
from gasguard.testing import api_client
from gasguard.utilities import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(personas):
    order = services.issue_order_to_unit(user_unit(personas.street_a), reason="任务推进缓慢",
                                         deadline=clock.today() + timedelta(days=5), by=personas.office)
    services.respond(order, response="已部署整改", by=personas.street_a)
    return services.close_order(order, by=personas.office)


def _unchanged(order):
    order = SupervisionOrder.objects.get(pk=order.pk)
    return order.state == "closed" and order.response == "已部署整改"


def test_the_service_refuses(personas, closed):
    with pytest.raises(ValidationError, match="已办结"):
        services.respond(closed, response="再说一遍", by=personas.street_a)
    assert _unchanged(closed)


def test_the_api_answers_400(personas, closed):
    r = api_client(personas.street_a).post(f"/api/v1/supervision-orders/{closed.pk}/respond/",
                                           {"response": "再说一遍"}, format="json")
    assert r.status_code == 400 and "已办结" in r.json()["response"][0]
    assert _unchanged(closed)


def test_the_page_says_so(personas, closed):
    c = Client()
    c.force_login(personas.street_a)
    r = c.post(f"/campaign/supervision/{closed.pk}/", {"action": "respond", "response": "再说一遍"})
    assert "已办结" in r.content.decode()
    assert _unchanged(closed)


def test_only_the_addressed_unit_answers(personas):
    order = services.issue_order_to_unit(user_unit(personas.street_a), reason="x",
                                         deadline=clock.today() + timedelta(days=5), by=personas.office)
    for who in ("office", "street_b", "market"):
        with pytest.raises(PermissionDenied):
            services.respond(order, response="代为反馈", by=getattr(personas, who))
    assert SupervisionOrder.objects.get(pk=order.pk).state == "issued"
