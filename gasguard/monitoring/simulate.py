"""Realistic readings for demo devices: noise, slow drift, a daily pattern, dropouts, and leaks injected at chosen
devices and times. Used by `gasguard simulate-sensors` (over MQTT when the broker answers, else straight into the
ingest service) and by `gasguard load_demo_devices`.

Demo devices get a secret derived from SECRET_KEY and their code (demo_secret), so the simulator can sign for them
without the secret ever being stored in clear."""
import hashlib
import hmac
import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from .choices import DeviceKind

# Which sensors watch which kinds of site in the demo district.
DEMO_PLAN = [
    ("pipeline_segment", [DeviceKind.VALVE_WELL, DeviceKind.PRESSURE_METER, DeviceKind.MANHOLE]),
    ("regulator_station", [DeviceKind.FLOW_METER, DeviceKind.UNDERGROUND_METHANE]),
    ("restaurant", [DeviceKind.KITCHEN_DETECTOR]),
    ("commercial_complex", [DeviceKind.KITCHEN_DETECTOR, DeviceKind.LASER_METHANE]),
]
CODE_PREFIX = {DeviceKind.VALVE_WELL: "FMJ", DeviceKind.PRESSURE_METER: "YL", DeviceKind.MANHOLE: "YJ",
               DeviceKind.FLOW_METER: "LL", DeviceKind.UNDERGROUND_METHANE: "DX", DeviceKind.KITCHEN_DETECTOR: "CF",
               DeviceKind.LASER_METHANE: "JG"}


def demo_secret(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"gasguard-demo-device:{code}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def _demo_dates(code: str):
    """Installed within the last three years and calibrated since, about one device in eight more than a year ago
    (the register flags those). A generator of its own, so the devices' places stay as they were."""
    from gasguard.utilities import clock

    rng = random.Random(f"dates:{code}")
    today = clock.today()
    installed = today - timedelta(days=rng.randint(30, 3 * 365))
    age = (today - installed).days
    calibrated = today - timedelta(days=min(age, rng.randint(366, 500) if rng.random() < 0.125 else rng.randint(0, 330)))
    return installed, calibrated


def load_demo_devices(*, per_kind=6, seed=7, by=None) -> list:
    """Register demo devices on the demo district's sites (none if any device exists). Returns the devices."""
    from gasguard.sites.models import Site

    from .models import Device
    from .services import register_device

    if Device.objects.exists():
        return []
    rng = random.Random(seed)
    made = []
    for site_type, kinds in DEMO_PLAN:
        sites = list(Site.objects.filter(site_type=site_type, is_active=True).order_by("id")[:per_kind])
        for site in sites:
            for kind in kinds:
                code = f"{CODE_PREFIX[kind]}-{site.pk:05d}"
                lat = (site.lat or 39.0) + rng.uniform(-0.002, 0.002)
                lon = (site.lon or 117.7) + rng.uniform(-0.002, 0.002)
                installed_on, calibrated_on = _demo_dates(code)
                device, _ = register_device(code=code, kind=kind, site=site, by=by, name=f"{site.name}{kind.label}",
                                            lat=lat, lon=lon, interval_s=30 if kind in (
                                                DeviceKind.PRESSURE_METER, DeviceKind.FLOW_METER) else 60,
                                            installed_on=installed_on, calibrated_on=calibrated_on,
                                            secret=demo_secret(code))
                made.append(device)
    return made


@dataclass
class Leak:
    code: str
    start: datetime
    peak_lel: float = 65.0
    ramp_s: float = 120.0


class SensorModel:
    """One device's signal: baseline + daily pattern + drift + noise (+ a leak ramp)."""

    def __init__(self, device, rng: random.Random):
        self.device, self.rng = device, rng
        self.drift = 0.0
        self.battery = rng.uniform(60, 100)
        self.phase = rng.uniform(0, 2 * math.pi)

    def metrics(self, at: datetime, leaks: list[Leak]) -> dict:
        kind, rng = self.device.kind, self.rng
        hour = at.hour + at.minute / 60
        daily = math.sin((hour - 6) / 24 * 2 * math.pi)            # peaks in the early afternoon
        meals = math.exp(-((hour - 12) ** 2) / 2) + math.exp(-((hour - 18.5) ** 2) / 2)
        self.drift = max(-1.0, min(3.0, self.drift + rng.gauss(0, 0.02)))
        self.battery = max(5.0, self.battery - rng.uniform(0, 0.01))
        out = {"battery": round(self.battery, 1)}
        if kind == DeviceKind.PRESSURE_METER:
            out["pressure_mpa"] = round(0.28 - 0.04 * daily + rng.gauss(0, 0.004), 4)
        elif kind == DeviceKind.FLOW_METER:
            out["flow_m3h"] = round(max(0.0, 180 + 120 * daily + 60 * meals + rng.gauss(0, 8)), 2)
        else:
            base = 0.6 + (1.5 * meals if kind == DeviceKind.KITCHEN_DETECTOR else 0.3 * (1 + daily)) + self.drift
            value = max(0.0, base + rng.gauss(0, 0.3))
            for leak in leaks:
                if leak.code == self.device.code and at >= leak.start:
                    grown = min(1.0, (at - leak.start).total_seconds() / leak.ramp_s)
                    value = max(value, leak.peak_lel * grown + rng.gauss(0, 1.0))
            out["ch4_lel"] = round(value, 2)
        return out


class Simulator:
    def __init__(self, devices, *, leaks=(), dropout=0.02, seed=1):
        self.rng = random.Random(seed)
        self.models = [SensorModel(d, random.Random(f"{seed}:{d.code}")) for d in devices]
        self.leaks, self.dropout = list(leaks), dropout

    def round(self, at: datetime) -> list[tuple]:
        """(device, payload dict) for each device that reports at `at` (some drop out)."""
        out = []
        for model in self.models:
            if self.rng.random() < self.dropout:
                continue
            out.append((model.device, {"ts": at.isoformat(), "secret": demo_secret(model.device.code),
                                       "m": model.metrics(at, self.leaks)}))
        return out

    def history(self, start: datetime, end: datetime, step_s: int) -> list[tuple]:
        """Back-filled readings from start to end as one batch payload per device (the late-data path)."""
        per_device = {m.device.code: (m.device, []) for m in self.models}
        at = start
        while at <= end:
            for device, doc in self.round(at):
                per_device[device.code][1].append({"ts": doc["ts"], "m": doc["m"]})
            at += timedelta(seconds=step_s)
        return [(device, {"secret": demo_secret(device.code), "readings": rows})
                for device, rows in per_device.values() if rows]


def send_direct(items) -> object:
    from .ingest import Message, ingest

    return ingest([Message(payload=doc, device_code=device.code, source="sim") for device, doc in items])


def send_mqtt(client, items, prefix=None):
    from .mqtt import device_topic

    infos = [client.publish(device_topic(device.code, prefix), json.dumps(doc, ensure_ascii=False), qos=1)
             for device, doc in items]
    for info in infos:
        info.wait_for_publish(10)
    return len(infos)
