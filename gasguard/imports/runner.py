"""Running an import job: in a background thread (its own database connection, closed at the end), or in the
caller's thread when settings.IMPORTS_SYNC is true (tests).

Progress: while validating, the job row is updated now and then (autocommit, so the page polling it sees it).
While writing, the writes are one transaction that the job row must stay out of; progress then goes to a
process-local table that the status view reads, and on PostgreSQL also through a second connection to the job row
(so a poll answered by another web process sees it too). SQLite allows one writer at a time, so there the
process-local table is all (the embedded default runs in one process anyway).
"""
import logging
import threading
import time

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gasguard.utilities import clock, xlsxlimits

from . import cells
from .importers import IMPORTERS, ImportFailed, Row, validate_all, write_all
from .models import ImportJob, JobState

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5
_live: dict[int, dict] = {}
_live_lock = threading.Lock()


def live_progress(job_id: int) -> dict | None:
    with _live_lock:
        state = _live.get(job_id)
        return dict(state) if state else None


class Progress:
    def __init__(self, job, *, side_connection: bool):
        self.job_id = job.pk
        self.state = job.state
        self.total = 0
        self.processed = 0
        self.writing = False
        self._last = 0.0
        self._side = None
        self._use_side = side_connection and connection.vendor != "sqlite"

    def begin(self, state, total=None):
        """A new phase. Called outside the write transaction, so the job row itself is updated."""
        self.state = state
        if total is not None:
            self.total = total
        self.processed = 0
        self.writing = False
        self.flush(force=True)
        self.writing = state == JobState.WRITING

    def step(self, n=1):
        self.processed += n
        self.flush()

    def flush(self, force=False):
        with _live_lock:
            _live[self.job_id] = {"state": self.state, "total_rows": self.total, "processed_rows": self.processed}
        now = time.monotonic()
        if not force and now - self._last < FLUSH_SECONDS:
            return
        self._last = now
        values = {"state": self.state, "total_rows": self.total, "processed_rows": self.processed}
        if not self.writing:
            ImportJob.objects.filter(pk=self.job_id).update(updated_at=clock.now(), **values)
        elif self._use_side:
            self._side_update(values)

    def _side_update(self, values):
        try:
            if self._side is None:
                self._side = connections.create_connection("default")
            table = ImportJob._meta.db_table
            with self._side.cursor() as cursor:
                cursor.execute(f"UPDATE {self._side.ops.quote_name(table)} SET state = %s, total_rows = %s, "
                               "processed_rows = %s, updated_at = %s WHERE id = %s",
                               [values["state"], values["total_rows"], values["processed_rows"], clock.now(),
                                self.job_id])
        except Exception:  # progress is a courtesy: never let it break the import
            log.warning("import %s: progress not written through the side connection", self.job_id, exc_info=True)
            self._use_side = False

    def close(self):
        with _live_lock:
            _live.pop(self.job_id, None)
        if self._side is not None:
            self._side.close()
            self._side = None


def read_rows(job, importer) -> tuple[list[Row], list[dict]]:
    """The non-blank data rows of the file's data sheet, and the header errors (if any, no row is read)."""
    max_rows = settings.IMPORTS_MAX_ROWS
    try:
        with job.file.open("rb") as fh:
            problem = xlsxlimits.unpacked_size_error(fh)  # again here: a job may come from elsewhere than the form
            if problem:
                raise ImportFailed(problem)
            wb = load_workbook(fh, read_only=True, data_only=True)
            try:
                return _rows(wb, importer, max_rows)
            finally:
                wb.close()
    except ImportFailed:
        raise
    except Exception as exc:
        log.info("import %s: unreadable file: %s", job.pk, exc)
        raise ImportFailed("无法读取文件：请上传由模板填写的 .xlsx 格式 Excel 文件")


def _rows(wb, importer, max_rows):
    from .workbook import DATA_SHEET, HELP_SHEET, OPTIONS_SHEET

    title = DATA_SHEET[importer.kind]
    ws = (wb[title] if title in wb.sheetnames
          else next((wb[n] for n in wb.sheetnames if n not in (HELP_SHEET, OPTIONS_SHEET)), None))
    if ws is None:
        raise ImportFailed("文件中没有数据工作表")
    ws.reset_dimensions()  # some tools write a wrong sheet size; read what is there
    rows_iter = ws.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if not header or all(cells.is_blank(v) for v in header):
        raise ImportFailed("第1行应为表头，但它是空的：请使用下载的模板")
    positions, errors = importer.header_map(tuple(header))
    if errors:
        return [], errors
    letters = {key: get_column_letter(i + 1) for key, i in positions.items()}
    columns = {c.key: c for c in importer.columns}
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        # Blank rows count too: a sheet of a million empty rows costs as much to read as a million filled ones.
        if number - 1 > max_rows:
            raise ImportFailed(_("文件超过 %(n)d 行（空行也计算在内），请删去多余的行或拆分后分批导入") % {"n": max_rows})
        if not values or all(cells.is_blank(v) for v in values):
            continue
        raw = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
        rows.append(Row(number, raw, letters, columns))
    if not rows:
        raise ImportFailed("文件中没有数据行（第2行起每行一条）")
    return rows, []


def run_job(job_id: int, *, sync: bool = False) -> ImportJob:
    """Validate every row, then write all of them or none. Runs a job once; returns it as it ended."""
    job = _when_unlocked(lambda: ImportJob.objects.select_related("user", "user__jurisdiction").get(pk=job_id))
    if job.state != JobState.QUEUED:
        return job
    started = clock.now()
    _when_unlocked(lambda: ImportJob.objects.filter(pk=job.pk).update(state=JobState.VALIDATING, started_at=started,
                                                                      updated_at=started))
    job.started_at = started
    progress = Progress(job, side_connection=not sync)
    result = {}
    try:
        importer = IMPORTERS[job.kind](job, progress)
        rows, errors = read_rows(job, importer)
        job.total_rows = len(rows)
        if errors:
            result = {"state": JobState.FAILED, "errors": errors}
        else:
            progress.begin(JobState.VALIDATING, total=len(rows))
            plans, errors = validate_all(importer, rows)
            if errors:
                result = {"state": JobState.FAILED, "errors": errors, "processed_rows": len(rows)}
            else:
                progress.begin(JobState.WRITING)
                created, existing = write_all(importer, plans)
                result = {"state": JobState.DONE, "created_count": created, "existing_count": existing,
                          "processed_rows": len(rows)}
    except ImportFailed as exc:
        result = {"state": JobState.FAILED, "message": str(exc)}
    except Exception as exc:
        log.exception("import %s failed", job.pk)
        result = {"state": JobState.FAILED, "processed_rows": 0,
                  "message": f"导入时发生系统错误（{exc.__class__.__name__}），未导入任何数据。请稍后重试或联系管理员。"}
    finally:
        fields = {"total_rows": job.total_rows, "finished_at": clock.now(), "updated_at": clock.now(), **result}
        fields.setdefault("state", JobState.FAILED)
        try:
            _when_unlocked(lambda: ImportJob.objects.filter(pk=job.pk).update(**fields))
        finally:
            progress.close()
    job.refresh_from_db()
    return job


def _when_unlocked(fn, attempts=50):
    """Run fn, again after a short wait while SQLite says a table is locked: in its shared-cache mode (the tests'
    in-memory database) a write that meets another connection's read fails at once instead of waiting, and a job
    whose first or last status write failed so would stay "queued" or unfinished for ever."""
    from django.db import OperationalError

    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


def _thread_main(job_id: int):
    try:
        run_job(job_id)
    finally:
        connection.close()  # this thread's own connection


def start(job: ImportJob) -> threading.Thread | None:
    """Run the job: at once in this thread when settings.IMPORTS_SYNC, else in a background thread started when
    the transaction that stored the upload commits. Returns the thread (not yet started until the commit)."""
    if getattr(settings, "IMPORTS_SYNC", False):
        run_job(job.pk, sync=True)
        return None
    thread = threading.Thread(target=_thread_main, args=(job.pk,), name=f"gasguard-import-{job.pk}", daemon=True)
    transaction.on_commit(thread.start)
    return thread
