"""The production web server's settings: `gunicorn -c python:gasguard.gunicorn_conf` (README, 生产部署). `gasguard
bench gate` measures the platform through this same configuration.

gthread workers keep a station reader's connection alive between checks. One worker per core and one thread per
worker: a gate check is short (about 2 ms of CPU, its commit not waited for), and on two cores a second thread per
worker only contended for the interpreter's lock (README: the bench, 2 × 2 against 2 × 1). Requests that wait long
on something else (a large export) are better served by more workers than by more threads: WEB_WORKERS. The alarm
stream holds a thread only while the worker has a thread to spare (MONITORING_STREAM_SLOTS, from WEB_THREADS):
with one thread, boards poll (monitoring/README.md, "The alarm stream")."""
import os

wsgi_app = "gasguard.wsgi:application"
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "0")) or len(os.sched_getaffinity(0))
threads = int(os.environ.get("WEB_THREADS", "1"))
keepalive = 60  # seconds: a reader checks again well within a minute
