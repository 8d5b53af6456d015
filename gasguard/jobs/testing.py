"""For tests: huey's queue as the web process sees it (enqueue only), and a worker of `gasguard run_huey` run by
hand. Outside these, the tests run huey in immediate mode (gasguard/conftest.py)."""
import threading
from contextlib import contextmanager

from django.db import connections
from huey.consumer import Worker
from huey.contrib.djhuey import HUEY


@contextmanager
def queue_without_worker():
    """Tasks enqueued inside wait in an in-memory queue, as they wait for the worker in production."""
    previous = HUEY.immediate, HUEY.immediate_use_memory
    HUEY.immediate_use_memory = False  # so that leaving immediate mode keeps the in-memory storage
    HUEY.immediate = False
    try:
        yield HUEY
    finally:
        HUEY.flush()
        HUEY.immediate, HUEY.immediate_use_memory = previous


def start_worker() -> Worker:
    """One worker of the consumer, its start-up hooks run; `worker.loop()` runs the next task in the queue as the
    consumer does (a database connection opened and closed around it)."""
    worker = Worker(HUEY, threading.Event(), default_delay=0.05, max_delay=0.05, backoff=1)
    worker.initialize()
    return worker


@contextmanager
def worker_running():
    """A worker of the consumer in a thread (with its own database connection), taking tasks from the in-memory
    queue as they come: the request only enqueues, as in production, and the page shows the progress."""
    with queue_without_worker() as huey:
        worker = start_worker()

        def run():
            try:
                while not worker.stop_flag.is_set():
                    worker.loop()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, name="gasguard-test-job-worker", daemon=True)
        thread.start()
        try:
            yield huey
        finally:
            worker.stop_flag.set()
            thread.join(timeout=120)
