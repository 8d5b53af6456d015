"""`gasguard backup --out DIR` and `gasguard restore DIR` (SQLite: the online backup API; PostgreSQL: pg_dump -Fc
and pg_restore): ledger work, cylinders and readings restored into a new database have every table's row count
of the original, the evidence files, and an audit chain that `gasguard audit verify` passes; a database that is
not empty, or a damaged backup, is refused."""
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

import gasguard as package
from gasguard import testing
from gasguard.audit.backup import MANIFEST, table_counts
from gasguard.audit.models import AuditRecord
from gasguard.cylinders.models import Cylinder
from gasguard.cylinders.tests import helpers as cyl
from gasguard.hazards.models import Hazard
from gasguard.monitoring import caches
from gasguard.monitoring.models import Reading
from gasguard.monitoring.tests.helpers import base_time, make_device, reading, send

ROOT = Path(package.__file__).resolve().parent.parent  # this checkout's code, whatever the venv's install points at


def gasguard(*args, env):
    return subprocess.run([sys.executable, "-m", "gasguard.manage", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def make_data():
    personas = testing.load_personas(testing.create_personas())
    testing.close_hazard(testing.register_hazard(personas.site_a, personas.inspector), personas.enterprise,
                         personas.street_a)
    testing.register_hazard(personas.site_b, personas.street_b)
    gas = cyl.gas_company("备份燃气有限公司", testing.STREET_A)
    for _ in range(3):
        cyl.fill(gas, cyl.cylinder(gas))
    caches.reset_caches()
    device = make_device()
    t0 = base_time()
    send(device, *[reading(t0.replace(second=s), ch4_lel=1.0 + s) for s in range(20)])
    evidence = Path(settings.MEDIA_ROOT) / "evidence" / f"backup-{uuid.uuid4().hex[:8]}.png"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes(b"\x89PNG evidence")
    return evidence


@pytest.fixture
def new_database(tmp_path):
    """A new, empty database beside the test database, and the settings a subprocess needs to use it."""
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "restored-media"), "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"

        def counts():
            import psycopg

            with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                                 password=s.get("PASSWORD") or None, dbname=name) as con, con.cursor() as cur:
                cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                return table_counts(cur, [r[0] for r in cur.fetchall()])
        yield env, counts
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "restored.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def counts():
            con = sqlite3.connect(path)
            try:
                cur = con.cursor()
                cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                return table_counts(cur, [r[0] for r in cur.fetchall()])
            finally:
                con.close()
        yield env, counts


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database(tmp_path, new_database):
    env, restored_counts = new_database
    evidence = make_data()
    assert Hazard.objects.count() == 2 and Cylinder.objects.count() == 3 and Reading.objects.count() == 20
    with connection.cursor() as cur:
        original = table_counts(cur, connection.introspection.table_names())
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    assert (out / MANIFEST).exists() and (out / "media.tar").exists()

    done = gasguard("restore", str(out), env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "行数与备份一致" in done.stdout and f"审计链完整（{AuditRecord.objects.count()} 条）" in done.stdout

    counts = restored_counts()
    assert {t: counts[t] for t in original} == original    # every table, every row
    assert counts[AuditRecord._meta.db_table] >= 5 and counts[Reading._meta.db_table] >= 20
    restored = Path(env["MEDIA_ROOT"]) / evidence.relative_to(settings.MEDIA_ROOT)
    assert restored.read_bytes() == evidence.read_bytes()

    verified = gasguard("audit", "verify", env=env)
    assert verified.returncode == 0 and "审计链完整" in verified.stdout, verified.stderr

    # Restoring again over the restored database is refused: it is not empty.
    again = gasguard("restore", str(out), env=env)
    assert again.returncode != 0 and "不是空的" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_or_a_used_directory_is_refused(tmp_path, new_database):
    env, _ = new_database
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    with pytest.raises(Exception, match="不是空的"):
        call_command("backup", "--out", str(out))
    with open(out / "media.tar", "ab") as f:
        f.write(b"\0" * 512)
    done = gasguard("restore", str(out), env=env)
    assert done.returncode != 0 and "media.tar 缺失或已损坏" in done.stderr
