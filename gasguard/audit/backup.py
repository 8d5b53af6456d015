"""Back up the database and the media folder into one directory, and restore them into a new, empty database.

PostgreSQL: `pg_dump -Fc`, taken in the snapshot in which every table's rows are counted (the manifest's counts
are those of the dump). SQLite: the online backup API (a consistent copy while the platform runs). The media
folder goes into a tar. `restore` refuses a database that already has tables, then checks every table's row count
against the manifest and the audit chain (with the same AUDIT_HMAC_KEY) before it reports success."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg.conninfo import make_conninfo

from .models import AuditRecord
from .services import verify

MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the operator's words."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for name in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: BACKUP_PG_BIN_DIR, else the Debian directory of the server's major version (a
    pg_dump older than the server refuses to run), else PATH."""
    if settings.BACKUP_PG_BIN_DIR:
        path = Path(settings.BACKUP_PG_BIN_DIR) / name
        if not path.exists():
            raise BackupError(f"BACKUP_PG_BIN_DIR 中没有 {name}：{path}")
        return str(path)
    connection.ensure_connection()
    debian = Path(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin") / name
    if debian.exists():
        return str(debian)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端，或设置 BACKUP_PG_BIN_DIR")
    return found


def _pg_env_and_dsn(params: dict) -> tuple[dict, str]:
    """A libpq connection string for the tools (the password through PGPASSWORD, not the command line)."""
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    keep = {k: v for k, v in params.items()
            if k in ("host", "port", "user", "dbname", "sslmode", "sslrootcert", "sslcert", "sslkey") and v}
    return env, make_conninfo(**keep)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _audit_head(cursor, table: str) -> dict:
    cursor.execute(f"SELECT COUNT(*), MAX(id) FROM {_quote(table)}")
    length, last_id = cursor.fetchone()
    return {"length": length, "last_id": last_id}


def backup(out) -> dict:
    """Write the database, the media folder and a manifest (row counts, audit head, checksums) into `out`, which
    must be a new or empty directory. Returns the manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录不是空的：{out}（每次备份请用新目录，不覆盖已有备份）")
    out.mkdir(parents=True, exist_ok=True)
    audit_table = AuditRecord._meta.db_table
    manifest = {"format": 1, "created_at": timezone.now().isoformat(), "engine": connection.vendor}
    if connection.vendor == "postgresql":
        manifest.update(_backup_pg(out, audit_table))
    elif connection.vendor == "sqlite":
        manifest.update(_backup_sqlite(out, audit_table))
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(out / MEDIA_TAR, "w") as tar:
        if media.exists():
            tar.add(media, arcname="media")
    manifest["files"] = {p.name: _sha256(p) for p in sorted(out.iterdir())}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def _backup_pg(out: Path, audit_table: str) -> dict:
    params = connection.get_connection_params()
    env, dsn = _pg_env_and_dsn(params)
    tool = pg_tool("pg_dump")
    # One snapshot for the counts and the dump: the manifest describes exactly what was dumped.
    with psycopg.connect(dsn, password=params.get("password")) as snap:
        snap.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with snap.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            counts = table_counts(cur, [r[0] for r in cur.fetchall()])
            head = _audit_head(cur, audit_table)
            done = subprocess.run([tool, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                                   "-f", str(out / PG_DUMP), "-d", dsn], env=env, capture_output=True, text=True)
        snap.rollback()
    if done.returncode:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")
    return {"tables": counts, "audit": head}


def _backup_sqlite(out: Path, audit_table: str) -> dict:
    connection.ensure_connection()
    target = sqlite3.connect(out / SQLITE_COPY)
    try:
        connection.connection.backup(target)  # online and consistent, even while others write
        cur = target.cursor()
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        counts = table_counts(cur, [r[0] for r in cur.fetchall()])
        head = _audit_head(cur, audit_table)
    finally:
        target.close()
    return {"tables": counts, "audit": head}


@dataclass
class RestoreResult:
    tables: int
    rows: int
    audit_checked: int
    media_files: int
    mismatched: dict = field(default_factory=dict)


def restore(source) -> RestoreResult:
    """Restore a backup directory into the configured database, which must have no tables yet (a new database),
    and its media into MEDIA_ROOT; then compare every table's row count with the manifest and verify the audit
    chain. Raises BackupError naming what does not hold."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} 中没有 {MANIFEST}：不是 gasguard backup 生成的备份目录")
    except ValueError:
        raise BackupError(f"{source / MANIFEST} 不是有效的 JSON")
    for name, digest in manifest.get("files", {}).items():
        if not (source / name).exists() or _sha256(source / name) != digest:
            raise BackupError(f"备份文件 {name} 缺失或已损坏（校验和不符）")
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['engine']}，当前数据库是 {connection.vendor}")
    existing = connection.introspection.table_names()
    if existing:
        raise BackupError(f"目标数据库不是空的（已有 {len(existing)} 张表）：请恢复到新建的空数据库")
    if connection.vendor == "postgresql":
        _restore_pg(source / PG_DUMP)
    else:
        _restore_sqlite(source / SQLITE_COPY)
    media_files = _restore_media(source / MEDIA_TAR)

    with connection.cursor() as cur:
        counts = table_counts(cur, manifest["tables"])
    mismatched = {t: (n, counts[t]) for t, n in manifest["tables"].items() if counts[t] != n}
    if mismatched:
        raise BackupError("恢复后行数与备份不符：" + "；".join(f"{t} 备份 {a} 行，恢复 {b} 行"
                                                         for t, (a, b) in mismatched.items()))
    result = verify()
    if not result.ok:
        where = f"#{result.broken_id}" if result.broken_id else "链尾"
        raise BackupError(f"恢复后的审计链校验未通过（{where}）：{result.reason}。AUDIT_HMAC_KEY 是否与备份时相同？")
    return RestoreResult(tables=len(counts), rows=sum(counts.values()), audit_checked=result.checked,
                         media_files=media_files)


def _restore_pg(dump: Path):
    params = connection.get_connection_params()
    env, dsn = _pg_env_and_dsn(params)
    connection.close()
    done = subprocess.run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                           "--single-transaction", "-d", dsn, str(dump)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()}")


def _restore_sqlite(copy: Path):
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_media(tar_path: Path) -> int:
    """Extract media/… into MEDIA_ROOT; every entry is checked before the first is written (nothing outside
    media/, no file already there), so a refused archive leaves MEDIA_ROOT as it was."""
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(tar_path) as tar:
        members = [m for m in tar.getmembers() if m.name != "media"]
        for member in members:
            if not member.name.startswith("media/"):
                raise BackupError(f"media.tar 中有不属于 media/ 的条目：{member.name}")
            member.name = member.name[len("media/"):]
            if member.isfile() and (media / member.name).exists():
                raise BackupError(f"MEDIA_ROOT 中已有同名文件，不覆盖：{media / member.name}")
        media.mkdir(parents=True, exist_ok=True)
        # filter="data": no absolute paths, no links out of MEDIA_ROOT, no device files.
        tar.extractall(media, members=members, filter="data")
    return sum(1 for m in members if m.isfile())
