"""The gate bench's server is the production configuration with a timer (gunicorn_timed.py), not gunicorn's access
log: every request answered is written with its path, status and time in the server."""
import http.client
import time

from gasguard.bench import gate


def test_every_request_is_timed_with_its_path_and_status(tmp_path, monkeypatch):
    monkeypatch.setenv("GASGUARD_DATA_DIR", str(tmp_path))
    server = gate.Server(f"sqlite:///{tmp_path / 'bench.sqlite3'}", workers=1, threads=1)
    assert "--access-logfile" not in server.command()
    with server:
        mark = server.mark()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        for path in ["/api/v1/cylinders/ping/"] * 3 + ["/api/v1/cylinders/ping-auth/"]:
            conn.request("GET", path, headers={"Accept": "application/json"})
            conn.getresponse().read()
        conn.close()
        for _ in range(100):  # written every FLUSH_S by the worker
            lines = server.log.read_bytes()[mark:].decode().splitlines()
            if len(lines) == 4:
                break
            time.sleep(0.05)
        ping = server.server_ms(mark, "/api/v1/cylinders/ping/")
        refused = server.server_ms(mark, "/api/v1/cylinders/ping-auth/")
    assert len(ping) == 3 and all(0 < ms < 60_000 for ms in ping)
    assert [line.split()[:2] for line in lines] == [["/api/v1/cylinders/ping/", "200"]] * 3 + [
        ["/api/v1/cylinders/ping-auth/", "401"]]
    assert len(refused) == 1
