"""The MQTT side of ingest: a shared-subscription consumer that acknowledges a message only after its readings
are committed (paho-mqtt 2, MQTT 5, manual acks).

Topics: `<MONITORING_TOPIC_PREFIX>/<device code>/up`; the ingester subscribes with QoS 1 to
`$share/<MONITORING_SHARE_GROUP>/<prefix>/+/up`, so several ingesters split the devices' messages.

Delivery guarantees, as Mosquitto 2.0 behaves (tried on this machine, see tests/test_a_killed_ingester_loses_
no_reading.py):
- The session is persistent (clean_start False, a session expiry interval): QoS 1 messages delivered to an
  ingester but not acknowledged stay in *its* session and are delivered again, flagged DUP, when a client with the
  same client id reconnects. Mosquitto does not hand them to the other members of the share group.
- While an ingester is down, Mosquitto keeps routing its share of new messages to its offline session (up to the
  broker's max_queued_messages, 1000 by default: raise it in production). So an ingester's client id must be
  stable (one per slot/host, --client-id), and a killed ingester must be restarted, as a supervisor does.
- The ingester acknowledges after commit, so a SIGKILL loses nothing; the redelivered copies are stored once
  because a reading's key is the table's primary key.
"""
import logging
import queue
import signal
import socket
import threading
import time
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
import psycopg
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .choices import DeadLetterReason
from .ingest import Message, Result, ingest
from .ingest import _text as ingest_text

log = logging.getLogger(__name__)

# The database is away (restart, failover): keep the batch unacknowledged and retry. The COPY of readings runs on
# psycopg's own cursor, whose errors Django does not wrap: a connection cut there is psycopg's OperationalError.
DATABASE_DOWN = (DatabaseError, psycopg.OperationalError, psycopg.InterfaceError)


def broker_address(url: str | None = None) -> tuple[str, int]:
    u = urlparse(url or settings.MQTT_URL)
    return u.hostname or "127.0.0.1", u.port or 1883


def device_topic(code: str, prefix: str | None = None) -> str:
    return f"{prefix or settings.MONITORING_TOPIC_PREFIX}/{code}/up"


def code_from_topic(topic: str, prefix: str) -> str:
    head, tail = prefix + "/", "/up"
    if topic.startswith(head) and topic.endswith(tail):
        return topic[len(head):-len(tail)]
    return ""


def share_paho_property_tables():
    """paho-mqtt 2 builds two lookup tables of the MQTT 5 property ids (and sets each attribute through a checking
    __setattr__) in every Properties object — one or two per message received. Profiling an ingester fed
    single-reading messages put a quarter of its CPU there. The tables never change and paho only reads them, so
    every Properties object shares one copy. Nothing else in paho's behaviour changes."""
    from paho.mqtt import properties as paho_properties

    cls = paho_properties.Properties
    if getattr(cls, "_gasguard_shared_tables", False):
        return
    proto = cls(PacketTypes.PUBLISH)
    types, names, table = proto.types, proto.names, proto.properties

    def __init__(self, packetType):
        object.__setattr__(self, "packetType", packetType)
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "properties", table)

    cls.__init__ = __init__
    cls._gasguard_shared_tables = True

    # Likewise every received message got an MQTTMessageInfo — a threading.Condition and its lock — that only a
    # publisher waiting for its own message ever uses: it is now made on first use (the publish path reads
    # message.info at once, so it behaves as before).
    if mqtt.MQTTMessage.__name__ != "_LazyInfoMessage":
        mqtt.MQTTMessage = _lazy_info_message_class()


def _lazy_info_message_class():
    base = mqtt.MQTTMessage
    slot = base.__dict__["info"]

    class _LazyInfoMessage(base):
        __slots__ = ()

        def __init__(self, mid: int = 0, topic: bytes = b""):
            self.timestamp = 0.0
            self.state = mqtt.mqtt_ms_invalid
            self.dup = False
            self.mid = mid
            self._topic = topic
            self.payload = b""
            self.qos = 0
            self.retain = False
            self.properties = None

        @property
        def info(self):
            try:
                return slot.__get__(self)
            except AttributeError:
                value = mqtt.MQTTMessageInfo(self.mid)
                slot.__set__(self, value)
                return value

        @info.setter
        def info(self, value):
            slot.__set__(self, value)

    return _LazyInfoMessage


def default_client_id() -> str:
    return f"gasguard-ingest-{socket.gethostname()}"


class Ingester:
    def __init__(self, *, url=None, prefix=None, group=None, client_id=None, batch_size=None, flush_ms=None,
                 receive_maximum=None, session_expiry=None, out=None):
        self.host, self.port = broker_address(url)
        self.prefix = prefix or settings.MONITORING_TOPIC_PREFIX
        self.group = group or settings.MONITORING_SHARE_GROUP
        self.client_id = client_id or default_client_id()
        self.batch_size = batch_size or settings.MONITORING_BATCH_SIZE
        self.flush_s = (flush_ms if flush_ms is not None else settings.MONITORING_FLUSH_MS) / 1000.0
        self.receive_maximum = receive_maximum or settings.MONITORING_RECEIVE_MAXIMUM
        self.session_expiry = session_expiry if session_expiry is not None else settings.MONITORING_SESSION_EXPIRY_S
        self.out = out or (lambda line: log.info(line))
        self.inbox: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.subscribed = threading.Event()
        self.totals = Result()
        self.redelivered = 0
        share_paho_property_tables()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                                  protocol=mqtt.MQTTv5, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)

    @property
    def subscription(self) -> str:
        return f"$share/{self.group}/{self.prefix}/+/up"

    # paho's network thread ------------------------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self.out(f"connect refused: {reason_code}")
            return
        self.out(f"connected to {self.host}:{self.port} as {self.client_id} (session present: {flags.session_present})")
        client.subscribe(self.subscription, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.out(f"subscribed {self.subscription}")
        self.subscribed.set()

    def _on_message(self, client, userdata, msg):
        self.inbox.put(msg)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        if not self.stopping.is_set():
            self.out(f"disconnected ({reason_code}); reconnecting")

    # the worker (main thread) -----------------------------------------------------------------------------------
    def start(self):
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self.session_expiry
        props.ReceiveMaximum = min(65535, self.receive_maximum)
        self.client.connect(self.host, self.port, keepalive=30, clean_start=False, properties=props)
        self.client.loop_start()

    def stop(self, *args):
        self.stopping.set()

    def take(self) -> list:
        """Up to batch_size messages: wait for the first, then at most flush_ms for the rest."""
        try:
            first = self.inbox.get(timeout=0.5)
        except queue.Empty:
            return []
        batch, deadline = [first], time.monotonic() + self.flush_s
        while len(batch) < self.batch_size:
            left = deadline - time.monotonic()
            try:
                batch.append(self.inbox.get(timeout=left) if left > 0 else self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def process(self, batch):
        messages = [Message(payload=m.payload, device_code=code_from_topic(m.topic, self.prefix), topic=m.topic,
                            source="mqtt") for m in batch]
        self.redelivered += sum(1 for m in batch if m.dup)
        while True:
            try:
                result = ingest(messages)
                break
            except DATABASE_DOWN as exc:
                # Nothing was acknowledged: keep the batch and try again once the database answers.
                self.out(f"database error, retrying the batch of {len(batch)}: {exc}")
                connection.close()
                if self.stopping.wait(1.0):
                    return  # not acknowledged: the broker delivers these again after we reconnect
            except Exception as exc:  # a message our code cannot digest must not stop (or loop) the ingester
                result = self._one_by_one(messages, exc)
                break
        for m in batch:
            self.client.ack(m.mid, m.qos)
        self.totals.add(result)

    def _one_by_one(self, messages, exc) -> Result:
        from .models import DeadLetter

        log.exception("batch failed, retrying message by message: %s", exc)
        total = Result()
        for m in messages:
            try:
                r = ingest([m])
            except DATABASE_DOWN:
                raise
            except Exception as err:  # kept as a dead letter with the error, then acknowledged
                DeadLetter.objects.create(source=m.source, topic=m.topic[:200], device_code=m.device_code[:64],
                                          reason=DeadLetterReason.MALFORMED, detail=f"处理出错：{err!r}"[:500],
                                          payload=ingest_text(m.payload))
                r = Result(messages=1, dead_letters=1)
            total.add(r)
        return total

    def run(self, *, stats_every=10.0):
        self.start()
        last, reported = time.monotonic(), -1
        try:
            while not self.stopping.is_set():
                batch = self.take()
                if batch:
                    self.process(batch)
                else:
                    close_old_connections()
                if stats_every and time.monotonic() - last >= stats_every and self.totals.messages != reported:
                    self.report()   # only when something arrived since the last line
                    last, reported = time.monotonic(), self.totals.messages
        finally:
            self.report()
            self.client.disconnect()
            self.client.loop_stop()

    def report(self):
        t = self.totals
        self.out(f"messages {t.messages} readings {t.readings} stored {t.stored} duplicates {t.duplicates} "
                 f"dead_letters {t.dead_letters} alarms {t.alarms_raised} redelivered {self.redelivered}")


def install_signal_handlers(ingester: Ingester):
    signal.signal(signal.SIGTERM, ingester.stop)
    signal.signal(signal.SIGINT, ingester.stop)


def publish_client(client_id: str = "", url=None) -> mqtt.Client:
    """A connected publisher (simulator, bench, tests)."""
    host, port = broker_address(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    return client
