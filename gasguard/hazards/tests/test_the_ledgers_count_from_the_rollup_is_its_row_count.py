"""The ledger page counts its rows from the roll-up where the scope and the filters allow it (hazards.views.ledger.
tally_count): that count is the number of rows the filtered list holds, for the office and a street, filtered by
place (by code or id, inside and outside the street's area), by open or closed states, and by grade."""
from django.test import RequestFactory

from gasguard import testing
from gasguard.hazards import services
from gasguard.hazards.views.ledger import filtered_hazards, tally_count
from gasguard.org.models import Jurisdiction


def test_the_ledgers_count_from_the_rollup_is_its_row_count(personas):
    p = personas
    for site in (p.site_a, p.site_b):
        testing.register_hazard(site, p.office, testing.DOUBLE_PHASE)
        h = testing.register_hazard(site, p.office, testing.HOSE)
        owner = p.enterprise if site == p.site_a else p.outsider
        services.start_rectification(h, by=owner)
        services.submit(h, by=owner, note="已整改", photos=[testing.png_upload()])
        services.verify(h, by=p.office, passed=True)
    street_b = Jurisdiction.objects.get(code=testing.STREET_B)
    queries = ["", f"jurisdiction={testing.STREET_A}", f"jurisdiction={street_b.pk}", "jurisdiction=nowhere",
               "state=closed", "state=open&state=rectifying&state=controlled&state=submitted", "severity=major"]
    counted = 0
    for user in (p.office, p.street_a, p.street_b):
        for query in queries:
            request = RequestFactory().get(f"/ledger/?{query}")
            request.user = user
            f, qs, _ = filtered_hazards(request)
            n = tally_count(request, f)
            assert n is not None, (user.username, query)
            assert n == qs.count(), (user.username, query)
            counted += n
    assert counted > 0
    request = RequestFactory().get("/ledger/")
    request.user = p.market
    assert tally_count(request, filtered_hazards(request)[0]) is None
