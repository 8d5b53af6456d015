"""Out of scope is not found: a user of another street (or another enterprise) gets 404 for street A's hazard on
every endpoint — reading it, acting on it, its site, checklist, inspection, look-backs and evidence photos — and
nothing changes."""
import pytest
from django.test import Client

from gasguard.hazards.models import LookBack
from gasguard.testing import HOSE, api_client, close_hazard, inspect, nothing_changes, png_upload
from gasguard.utilities import clock

GETS = [
    "/api/v1/hazards/{hazard}/",
    "/api/v1/sites/{site}/",
    "/api/v1/sites/{site}/checklist/",
    "/api/v1/inspections/{inspection}/",
    "/api/v1/lookbacks/{lookback}/",
]
POSTS = [
    ("/api/v1/hazards/{hazard}/start/", {"note": "x"}),
    ("/api/v1/hazards/{hazard}/control/", {"measures": "停用", "deadline": "2999-01-01"}),
    ("/api/v1/hazards/{hazard}/submit/", {"note": "已整改"}),
    ("/api/v1/hazards/{hazard}/verify/", {"passed": True, "note": "x"}),
    ("/api/v1/hazards/{hazard}/reassign/", {"responsible_person": "张三"}),
    ("/api/v1/lookbacks/{lookback}/record/", {"rebound": True, "note": "反弹"}),
]


@pytest.fixture
def street_a_hazard(personas):
    """A closed hazard of street A with its inspection, evidence photos and a pending look-back."""
    inspection, (hazard,) = inspect(personas.site_a, personas.inspector, {HOSE: {"measured_value": "2.5"}},
                                    photos=[png_upload("inspection.png")])
    hazard = close_hazard(hazard, personas.enterprise, personas.street_a)
    lookback = LookBack.objects.create(hazard=hazard, month=f"{clock.today():%Y-%m}")
    ids = {"hazard": hazard.pk, "site": personas.site_a.pk, "inspection": inspection.pk, "lookback": lookback.pk}
    photos = [inspection.photos.get().pk, hazard.events.get(action="submit").photos.get().pk]
    return hazard, ids, photos


@pytest.mark.parametrize("outsider", ["street_b", "outsider"])
@pytest.mark.parametrize("url", GETS)
def test_reading_is_not_found(personas, street_a_hazard, outsider, url):
    hazard, ids, _ = street_a_hazard
    url = url.format(**ids)
    assert api_client(personas.street_a).get(url).status_code == 200  # it exists, and its own street sees it
    assert api_client(getattr(personas, outsider)).get(url).status_code == 404


@pytest.mark.parametrize("outsider", ["street_b", "outsider"])
@pytest.mark.parametrize(("url", "body"), POSTS)
def test_acting_is_not_found_and_changes_nothing(personas, street_a_hazard, outsider, url, body):
    hazard, ids, _ = street_a_hazard
    with nothing_changes(hazard):
        response = api_client(getattr(personas, outsider)).post(url.format(**ids), body, format="json")
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("outsider", ["street_b", "outsider"])
def test_evidence_photos_are_not_found(personas, street_a_hazard, outsider):
    _, _, photos = street_a_hazard
    owner, stranger = Client(), Client()
    owner.force_login(personas.street_a)
    stranger.force_login(getattr(personas, outsider))
    for pk in photos:
        response = owner.get(f"/photos/{pk}/")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert stranger.get(f"/photos/{pk}/").status_code == 404


def test_the_hazard_is_missing_from_their_lists_too(personas, street_a_hazard):
    hazard, ids, _ = street_a_hazard
    client = api_client(personas.street_b)
    for url, key in (("/api/v1/hazards/", "hazard"), ("/api/v1/sites/", "site"),
                     ("/api/v1/inspections/", "inspection"), ("/api/v1/lookbacks/", "lookback")):
        assert ids[key] not in [row["id"] for row in client.get(url).json()["results"]], url
