"""Running an import job, in the job worker (`gasguard run_huey`): the upload view enqueues the huey task
`imports.tasks.run_import` once the job row commits, and the worker runs `run_job`.

Progress: while validating, the job row is updated now and then (autocommit, so the page polling it sees it).
While writing, the writes are one transaction that the job row must stay out of; progress then goes to huey's
key-value store (the SQLite queue file beside the database, or Redis), which every web process reads and which no
database write lock holds up.
"""
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gasguard.utilities import clock, xlsxlimits

from . import cells
from .importers import IMPORTERS, ImportFailed, Row, validate_all, write_all
from .models import FINAL_STATES, ImportJob, JobState
from .workbook import DATA_SHEET, HELP_SHEET, OPTIONS_SHEET

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def live_progress(job_id: int) -> dict | None:
    """The progress of a job in its write phase, as the worker last published it (None outside that phase)."""
    return HUEY.get(_progress_key(job_id), peek=True)


class Progress:
    def __init__(self, job):
        self.job_id = job.pk
        self.state = job.state
        self.total = 0
        self.processed = 0
        self.writing = False
        self._last = 0.0

    def begin(self, state, total=None):
        """A new phase. Called outside the write transaction, so the job row itself is updated."""
        self.state = state
        if total is not None:
            self.total = total
        self.processed = 0
        self.writing = False
        self.flush(force=True)
        self.writing = state == JobState.WRITING
        if self.writing:
            self.flush(force=True)

    def step(self, n=1):
        self.processed += n
        self.flush()

    def flush(self, force=False):
        now = time.monotonic()
        if not force and now - self._last < FLUSH_SECONDS:
            return
        self._last = now
        values = {"state": self.state, "total_rows": self.total, "processed_rows": self.processed}
        if not self.writing:
            ImportJob.objects.filter(pk=self.job_id).update(updated_at=clock.now(), **values)
            return
        try:
            HUEY.put(_progress_key(self.job_id), values)
        except Exception:  # progress is a courtesy: never let it break the import
            log.warning("import %s: progress not published", self.job_id, exc_info=True)

    def close(self):
        try:
            HUEY.delete(_progress_key(self.job_id))
        except Exception:
            log.warning("import %s: progress not removed", self.job_id, exc_info=True)


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
        raise ImportFailed(_("无法读取文件：请上传由模板填写的 .xlsx 格式 Excel 文件"))


def _rows(wb, importer, max_rows):
    title = DATA_SHEET[importer.kind]
    ws = (wb[title] if title in wb.sheetnames
          else next((wb[n] for n in wb.sheetnames if n not in (HELP_SHEET, OPTIONS_SHEET)), None))
    if ws is None:
        raise ImportFailed(_("文件中没有数据工作表"))
    ws.reset_dimensions()  # some tools write a wrong sheet size; read what is there
    rows_iter = ws.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if not header or all(cells.is_blank(v) for v in header):
        raise ImportFailed(_("第1行应为表头，但它是空的：请使用下载的模板"))
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
        raise ImportFailed(_("文件中没有数据行（第2行起每行一条）"))
    return rows, []


def run_job(job_id: int) -> ImportJob:
    """Validate every row, then write all of them or none. Runs a job once; returns it as it ended."""
    job = _when_unlocked(lambda: ImportJob.objects.select_related("user", "user__jurisdiction").get(pk=job_id))
    if job.state != JobState.QUEUED:
        return job
    started = clock.now()
    _when_unlocked(lambda: ImportJob.objects.filter(pk=job.pk).update(state=JobState.VALIDATING, started_at=started,
                                                                      updated_at=started))
    job.started_at = started
    progress = Progress(job)
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
                  "message": _system_error(exc)}
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
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


def run_queued(job_id: int) -> None:
    """The worker's entry: run the job; whatever goes wrong, it ends failed with a reason, never left running."""
    try:
        run_job(job_id)
    except Exception as exc:
        log.exception("import %s could not be run", job_id)
        message = _system_error(exc)
        _when_unlocked(lambda: ImportJob.objects.filter(pk=job_id).exclude(state__in=FINAL_STATES).update(
            state=JobState.FAILED, message=message, finished_at=clock.now(), updated_at=clock.now()))


def _system_error(exc) -> str:
    return _("导入时发生系统错误（%(error)s），未导入任何数据。请稍后重试或联系管理员。") % {
        "error": exc.__class__.__name__}


def start(job: ImportJob) -> None:
    """Hand the job to the worker once the transaction that stored the upload commits."""
    from .tasks import run_import  # a cycle: imports.tasks wraps this module's run_queued

    transaction.on_commit(lambda: run_import(job.pk))


ABANDONED_AFTER = timedelta(hours=1)


def fail_abandoned_jobs() -> int:
    """A job still unfinished an hour after its upload lost its worker (stopped or killed mid-run; nothing was
    written: the write is one transaction): say so, so that the file can be sent again."""
    now = clock.now()
    return ImportJob.objects.filter(state__in=[JobState.QUEUED, JobState.VALIDATING, JobState.WRITING],
                                    created_at__lt=now - ABANDONED_AFTER).update(
        state=JobState.FAILED, finished_at=now, updated_at=now,
        message=_("导入过程中断（可能是后台任务服务重启），未导入任何数据，请重新上传。"))
