"""gunicorn started with the production configuration (gasguard/gunicorn_conf.py, README 生产部署) serves the
platform, one kept-alive connection answering request after request as a station's reader would use it."""
import http.client
import os
import socket
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_production_configuration_answers_on_one_kept_alive_connection(tmp_path):
    port = _free_port()
    env = {**os.environ, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1", "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "gasguard.settings", "GASGUARD_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:gasguard.gunicorn_conf"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not listen within 60 s"
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sockets = []
        for _ in range(3):
            conn.request("GET", "/api/v1/cylinders/ping/", headers={"Accept": "application/json"})
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, b'{"ok":true}')
            sockets.append(conn.sock)  # None had the server closed it (http.client would open another)
        assert sockets[0] is not None and all(s is sockets[0] for s in sockets)
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
