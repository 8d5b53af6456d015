#!/usr/bin/env bash
# make run: the platform with its simulated sensors. The web server runs in the foreground; the ingester (when an
# MQTT broker answers), the sensor simulator and the periodic monitoring jobs run beside it and stop with it.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# A development machine: DEBUG on, and the keys (SECRET_KEY, PII_KEYS, AUDIT_HMAC_KEY) generated once into var/.
export DEBUG=${DEBUG:-1} GASGUARD_DEV=${GASGUARD_DEV:-1}
mkdir -p var/log

"$BIN/gasguard" load_demo_devices
# A leak on one valve-well detector two minutes after the 30 backfilled minutes, so the alarm board has something to show.
LEAK=$("$BIN/gasguard" shell -c "from gasguard.monitoring.models import Device; d = Device.objects.filter(kind='valve_well').order_by('code').first() or Device.objects.order_by('code').first(); print(d.code if d else '')" 2>/dev/null | tail -n 1)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if "$BIN/python" - <<'PY'
import os, socket, sys
from urllib.parse import urlparse
u = urlparse(os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1883"))
try:
    socket.create_connection((u.hostname or "127.0.0.1", u.port or 1883), timeout=1).close()
except OSError:
    sys.exit(1)
PY
then
  "$BIN/gasguard" ingest --client-id "gasguard-run-$(hostname)" > var/log/ingest.log 2>&1 &
  pids+=($!)
  echo "监测：接入服务已连接 MQTT（日志 var/log/ingest.log）"
else
  echo "监测：未找到 MQTT 服务器，模拟读数直接写入"
fi
"$BIN/gasguard" simulate-sensors --backfill-minutes 30 ${LEAK:+--leak "$LEAK:1920"} > var/log/simulate.log 2>&1 &
pids+=($!)
"$BIN/gasguard" monitor_jobs > var/log/monitor-jobs.log 2>&1 &
pids+=($!)
# Scheduled work (gasguard/jobs), Excel imports and report runs: huey's worker on its SQLite queue (var/jobs.sqlite3;
# JOBS_REDIS_URL for Redis).
# The reporting job runs once now so that reminders and late reports are current; every job is safe to repeat.
"$BIN/gasguard" run_jobs --only report_reminders > var/log/jobs.log 2>&1 || true
"$BIN/gasguard" run_huey >> var/log/jobs.log 2>&1 &
pids+=($!)

echo "GasGuard: http://$HOST:$PORT/  (演示账号见 README)"
"$BIN/gasguard" runserver "$HOST:$PORT" --noreload
