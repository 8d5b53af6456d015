"""Schemathesis reads /api/schema/ and sends each operation generated requests — valid and invalid — as the office
and as an enterprise: none may answer 500, and every answer must match what the schema says of it (body and
content type). A bounded number of examples per operation keeps it to a few minutes on two cores."""
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from gasguard.wsgi import application

EXAMPLES = 4
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def _one_test_transaction():
    """The app is called in this thread through WSGI: Django's request signals would close the test's connection
    (and with it the transaction that keeps the tests apart), as Django's own test client prevents."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Read when the tests are collected: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def tokens(personas):
    return {who: Token.objects.get_or_create(user=getattr(personas, who))[0].key for who in ("office", "enterprise")}


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(HealthCheck),
                     phases=[Phase.explicit, Phase.generate])  # a failure is reported as found, unshrunk
@pytest.mark.django_db
def test_generated_requests(case, tokens, _one_test_transaction):
    for who in ("office", "enterprise"):
        case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=CHECKS)
