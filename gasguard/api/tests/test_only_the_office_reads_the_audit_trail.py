"""The audit trail is the office's: everyone else gets 403 on /api/v1/audit-records/."""
import pytest

from gasguard.testing import api_client, register_hazard


@pytest.mark.parametrize("persona", ["street_a", "street_b", "market", "fire", "inspector", "enterprise", "outsider"])
def test_others_are_refused(personas, persona):
    hazard = register_hazard(personas.site_a, personas.inspector)
    client = api_client(getattr(personas, persona))
    assert client.get("/api/v1/audit-records/").status_code == 403
    assert client.get("/api/v1/audit-records/", {"object_id": hazard.pk}).status_code == 403


def test_the_office_reads_it(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    response = api_client(personas.office).get("/api/v1/audit-records/",
                                               {"object_type": "hazards.hazard", "object_id": hazard.pk})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["action"] == "hazard.register" and row["actor"] == personas.inspector.pk
    assert len(row["hash"]) == 64 and len(row["prev_hash"]) == 64


def test_anonymous_users_are_refused(db):
    assert api_client().get("/api/v1/audit-records/").status_code == 401
