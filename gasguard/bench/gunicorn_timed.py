"""gunicorn's configuration in `gasguard bench gate`: the production one (gasguard/gunicorn_conf.py) and a timer.

Each request's path, status and time in the server (µs, from gunicorn's pre_request to its post_request hook: the
span of its access log's %(D)s) are written to the file GASGUARD_BENCH_TIMINGS names, one line each, as
"%(U)s %(s)s %(D)s" would write them. Not gunicorn's access log itself: formatting its atoms and writing a line per
request cost a worker 0.15 ms of CPU a request (a trivial WSGI application: 0.43 against 0.29 ms), which the
production configuration (no access log) does not pay; the bench would measure its own instrument. The lines are
kept in memory and appended by a thread of the worker every FLUSH_S (the bench waits longer than that before it
reads them), one write each (O_APPEND: the workers' writes do not interleave within one)."""
import collections
import os
import threading
import time

from gasguard.gunicorn_conf import *  # noqa: F403 (the production configuration, unchanged)

FLUSH_S = 0.05
_lines: collections.deque[str] = collections.deque()  # append and popleft are atomic: no lock on the hot path
_fd: int | None = None


def pre_request(worker, req):
    req.bench_started = time.perf_counter()


def post_request(worker, req, environ, resp):
    started = getattr(req, "bench_started", None)
    if started is not None:
        _lines.append(f"{req.path} {resp.status_code} {round((time.perf_counter() - started) * 1e6)}\n")


def _write():
    # As many lines as there were when it started: one finishing meanwhile waits for the next write.
    out = [_lines.popleft() for _ in range(len(_lines))]
    if out:
        os.write(_fd, "".join(out).encode())


def _flush():
    while True:
        time.sleep(FLUSH_S)
        _write()


def post_worker_init(worker):
    global _fd
    _fd = os.open(os.environ["GASGUARD_BENCH_TIMINGS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    threading.Thread(target=_flush, name="bench-timings", daemon=True).start()


def worker_exit(server, worker):
    if _fd is not None:
        _write()
