"""Who sees a supervision order is one rule (SupervisionOrder.objects.visible_to), the same on the pages and the
API: the office every order; a member department those addressed to it; a jurisdiction those addressed within its
area (a street its own, also one to a community of it; a district-level account every zone's and street's); the
rest none. Out of scope, an order is not found."""
from datetime import timedelta

import pytest
from django.test import Client

from gasguard import testing
from gasguard.campaign import services
from gasguard.campaign.units import user_unit
from gasguard.testing import api_client
from gasguard.utilities import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(personas):
    deadline = clock.today() + timedelta(days=5)

    def issue(**unit):
        return services.issue_supervision_order(reason="任务推进缓慢", deadline=deadline, by=personas.office, **unit)

    return {
        "street_a": issue(jurisdiction=user_unit(personas.street_a).obj),
        "street_b": issue(jurisdiction=user_unit(personas.street_b).obj),
        "market": issue(department=personas.market.department),
        # an overdue hazard's order: its lead department and the street of the place
        "escalated": issue(department=personas.market.department, jurisdiction=user_unit(personas.street_a).obj),
        "community_a": issue(jurisdiction=testing.jurisdiction("120116-S01-C1")),
    }


def seen_by(user, orders):
    """The orders the user's orders page lists, and those the API lists; each one's page and API detail."""
    web = Client()
    web.force_login(user)
    page = web.get("/campaign/supervision/").content.decode()
    listed = api_client(user).get("/api/v1/supervision-orders/").json()
    api = {row["id"] for row in listed.get("results", listed)}
    on_page = {key for key, order in orders.items() if order.number in page}
    on_api = {key for key, order in orders.items() if order.pk in api}
    details = {key: (web.get(f"/campaign/supervision/{order.pk}/").status_code,
                     api_client(user).get(f"/api/v1/supervision-orders/{order.pk}/").status_code)
               for key, order in orders.items()}
    return on_page, on_api, details


@pytest.mark.parametrize("persona, expected", [
    ("office", {"street_a", "street_b", "market", "escalated", "community_a"}),
    ("street_a", {"street_a", "escalated", "community_a"}),
    ("street_b", {"street_b"}),
    ("market", {"market", "escalated"}),
    ("fire", set()),
    ("inspector", set()),
    ("enterprise", set()),
    ("district_level", {"street_a", "street_b", "escalated", "community_a"}),
])
def test_each_persona_sees_the_same_orders_on_the_pages_and_the_api(personas, orders, persona, expected):
    user = (testing.make_user("jurisdiction", jurisdiction_code=testing.DISTRICT) if persona == "district_level"
            else getattr(personas, persona))
    on_page, on_api, details = seen_by(user, orders)
    assert on_page == expected
    assert on_api == expected
    assert details == {key: (200, 200) if key in expected else (404, 404) for key in orders}
