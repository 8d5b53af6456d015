"""`gasguard bench gate` keeps working: its generator fills PostgreSQL with cylinders whose codes carry their check
character, gate checks and the fillings they opened, every foreign key holding and the sequences moved past the
loaded ids; the load's codes are the measured station's own cylinders (and a tenth of others'); the gate answers
them; its HTTP client reads what gunicorn would send."""
import asyncio

import pytest
from django.db import connection

from gasguard.bench import gate
from gasguard.cylinders import codes, services
from gasguard.cylinders.models import Cylinder, Filling, GateCheck
from gasguard.utilities import clock


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_generator_loads_a_consistent_register():
    if connection.vendor != "postgresql":
        pytest.skip("gasguard bench gate needs PostgreSQL (DATABASE_URL=postgres://…)")
    result = gate.generate(2000, 20000, log=lambda msg: None)
    connection.check_constraints()

    assert Cylinder.objects.count() == 2000
    assert result["rows"]["events"] == GateCheck.objects.count() + Filling.objects.count() == 20000
    assert all(codes.is_valid(c) for c in Cylinder.objects.values_list("code", flat=True)[:500])
    assert GateCheck.objects.filter(allowed=False).exists()
    assert not Filling.objects.filter(gate_check__allowed=False).exists()
    assert Filling.objects.values("gate_check").distinct().count() == Filling.objects.count()
    assert {"scrapped", "seized", "blacklisted", "in_service"} <= set(Cylinder.objects.values_list("status", flat=True))

    fx = result["fixture"]
    targets = gate.targets(fx, 2000, n=200)
    station = fx["stations"][0]
    owner = {c: o for c, o in Cylinder.objects.values_list("code", "owner_id")}
    own = [c for c in targets["gate"] if owner[c] == fx["enterprises"][0]]
    assert len(own) == 180 and len(targets["gate"]) == 200
    facts, reasons = services.gate_reasons(own[0], station, clock.today())
    assert facts.cylinder_id and "not_own" not in [c for c, _ in reasons]
    new = GateCheck.objects.create(code="X", station_id=station, allowed=False, checked_at=clock.now())
    assert new.pk > result["rows"]["gate_checks"]


def test_the_client_reads_responses_with_a_body():
    async def serve(reader, writer):
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    async def run():
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await gate._drive(port, [gate._request("GET", "/x", "t")], 0.2, 2)

    # In a thread of its own: the browser tests may leave an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        latencies, statuses, _ = pool.submit(asyncio.run, run()).result()
    assert latencies and set(statuses) == {201}


def test_the_trace_reads_cylinders_the_gates_load_does_not_touch():
    """Otherwise the trace would read histories the gate's load has just lengthened and brought into memory."""
    fx = {"enterprises": list(range(1, 41))}
    t = gate.targets(fx, 5_000_000, n=5000)
    assert len(t["gate"]) == 5000 and len(t["trace"]) > 4700
    assert not set(t["trace"]) & set(t["gate"])
    assert all(int(c[2:12]) % 40 == 0 for c in t["trace"][:100])  # the station's own cylinders (BH + serial)
