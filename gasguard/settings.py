"""Settings. Every setting that differs between machines comes from the environment (see README)."""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GASGUARD_DATA_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "gasguard-dev-only-secret-change-me")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "gasguard.audit",
    "gasguard.org",
    "gasguard.sites",
    "gasguard.campaign",
    "gasguard.inspections",
    "gasguard.hazards",
    "gasguard.catalog.apps.CatalogConfig",
    "gasguard.imports",
    "gasguard.cylinders",
    "gasguard.web",
    "gasguard.monitoring",
    "gasguard.bench",
    "huey.contrib.djhuey",
    "gasguard.jobs",
    "gasguard.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gasguard.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gasguard.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gasguard.web.context_processors.navigation",
            ],
        },
    },
]
WSGI_APPLICATION = "gasguard.wsgi.application"

# SQLite file by default (no server needed); DATABASE_URL selects PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gasguard.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked (SELECT 1) before a request's or a job's first query reuses it: after a
        # database restart the first request gets a new connection instead of a 500. CONN_HEALTH_CHECKS=0 saves
        # that round trip where restarts are handled otherwise.
        conn_health_checks=os.environ.get("CONN_HEALTH_CHECKS", "1") == "1",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during writes; a busy timeout avoids 'database is locked' under load.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django sets psycopg's prepare_threshold to None (no prepared statements, for transaction-mode poolers), which
    # also ignores prepare=True on the few hot statements that ask for it (cylinders.services: the gate check).
    # Django's own queries bind client-side and are never prepared; the threshold is out of reach, so only the
    # statements that ask (prepare=True; psycopg's executemany) are. DB_PREPARED_STATEMENTS=0 (behind a pooler that
    # cannot keep them) turns it off.
    if os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0":
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gasguard.utilities.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GasGuard 燃气安全专项整治平台 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Bundled assets only: intranets have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "HazardStateEnum": "gasguard.hazards.choices.State",
        "SeverityEnum": "gasguard.catalog.choices.Severity",
        "HazardSourceEnum": "gasguard.hazards.choices.Source",
        "SupervisionOrderStateEnum": "gasguard.campaign.models.SupervisionOrder.State",
    },
}

# Map (一张图): an intranet tile server, if any. With none, the map shows points and outlines on a plain ground.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# "wgs84", or "gcj02" for tile servers in the Chinese offset system (points are shifted for display only).
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "wgs84")
MAP_CENTER = [38.98, 117.62]
MAP_ZOOM = 10

# Hazards: how many closed hazards are drawn for look-back each month (share, and a floor).
LOOKBACK_SAMPLE_RATE = float(os.environ.get("LOOKBACK_SAMPLE_RATE", "0.1"))
LOOKBACK_MIN_SAMPLE = int(os.environ.get("LOOKBACK_MIN_SAMPLE", "5"))

# Audit chain (gasguard/audit) and backups. Each record is chained with HMAC-SHA256 under AUDIT_HMAC_KEY, kept
# outside the database: PRODUCTION MUST SET IT (`check --deploy` says so) and keep it with the backups' keys; empty
# (development, tests): a random key made once in DATA_DIR/audit-hmac.key. Changing it breaks `audit verify`.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_KEY_FILE = DATA_DIR / "audit-hmac.key"
# The chain's head is appended here daily (job audit_anchor, `gasguard audit anchor`), never rewritten; keep it on
# other storage than the database (another host, append-only mount) for `gasguard audit verify --anchor`.
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchor.jsonl"))
# Where `gasguard backup`/`restore` find pg_dump and pg_restore; empty: /usr/lib/postgresql/<server's major>/bin,
# then PATH (pg_dump must be at least the server's version).
BACKUP_PG_BIN_DIR = os.environ.get("BACKUP_PG_BIN_DIR", "")

# Cylinders (一瓶一码): periodic inspection every 4 years (GB/T 8334); design service life 8 years, extendable to 12
# only after a passed inspection (GB 5842); a gate check opens the way for one filling within this many minutes.
CYLINDER_INSPECTION_PERIOD_YEARS = int(os.environ.get("CYLINDER_INSPECTION_PERIOD_YEARS", "4"))
CYLINDER_SERVICE_LIFE_YEARS = int(os.environ.get("CYLINDER_SERVICE_LIFE_YEARS", "8"))
CYLINDER_MAX_SERVICE_LIFE_YEARS = int(os.environ.get("CYLINDER_MAX_SERVICE_LIFE_YEARS", "12"))
CYLINDER_GATE_CHECK_VALID_MINUTES = int(os.environ.get("CYLINDER_GATE_CHECK_VALID_MINUTES", "30"))
# PostgreSQL: an allowing gate check is committed without waiting for its flush to disk (a refusal always waits);
# cylinders/services.py (_gate_insert_sql) says why that loses no filling. 0: every check waits.
CYLINDER_GATE_ALLOW_ASYNC_COMMIT = os.environ.get("CYLINDER_GATE_ALLOW_ASYNC_COMMIT", "1") != "0"
CYLINDER_OFFLINE_MAX_AGE_DAYS = int(os.environ.get("CYLINDER_OFFLINE_MAX_AGE_DAYS", "30"))
CYLINDER_DELIVERY_HAZARD_DAYS = int(os.environ.get("CYLINDER_DELIVERY_HAZARD_DAYS", "7"))
# Which cylinders a restaurant or canteen may not be sold: "all_50kg" (plan 二(一)2: every 50 kg bottle, the
# default) or "double_phase" (only the 50 kg 气液双相 YSP118-II, plan 二(四)3, for a district that rules so).
CYLINDER_CATERING_BAN = os.environ.get("CYLINDER_CATERING_BAN", "all_50kg")
# Key for buyers' ID numbers at rest (Fernet, derived by SHA-256); falls back to SECRET_KEY. Changing it makes the
# stored numbers unreadable: set it once per installation and keep it with the database backups' keys.
CYLINDER_PII_KEY = os.environ.get("CYLINDER_PII_KEY", "")
# The font embedded in the rectification notices and QR labels (PDF): a TrueType-outline font with Chinese (a .ttf,
# or a .ttc with "#index"); Debian's fonts-wqy-zenhei by default (scripts/install-system-deps.sh). Empty: the
# STSong-Light CID font, which is not embedded (the reader supplies it).
CYLINDER_PDF_FONT = os.environ.get("CYLINDER_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0")
# Readers' API tokens are resolved from a per-process cache for this long; on PostgreSQL a listener thread per
# process drops an entry as soon as its user or token changes (CYLINDERS_TOKEN_CACHE_LISTEN=0 turns it off).
CYLINDERS_TOKEN_CACHE_SECONDS = float(os.environ.get("CYLINDERS_TOKEN_CACHE_SECONDS", "30"))
CYLINDERS_TOKEN_CACHE_LISTEN = os.environ.get("CYLINDERS_TOKEN_CACHE_LISTEN", "1") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# City-lifeline monitoring (gasguard.monitoring; see its README section). MQTT topics: <prefix>/<device code>/up.
MQTT_URL = os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1883")
MONITORING_TOPIC_PREFIX = os.environ.get("MONITORING_TOPIC_PREFIX", "gasguard/v1")
MONITORING_SHARE_GROUP = os.environ.get("MONITORING_SHARE_GROUP", "gasguard")
MONITORING_BATCH_SIZE = int(os.environ.get("MONITORING_BATCH_SIZE", "1000"))     # messages per commit
MONITORING_FLUSH_MS = int(os.environ.get("MONITORING_FLUSH_MS", "50"))           # longest wait to fill a batch
MONITORING_RECEIVE_MAXIMUM = int(os.environ.get("MONITORING_RECEIVE_MAXIMUM", "2000"))  # unacked messages in flight
MONITORING_SESSION_EXPIRY_S = int(os.environ.get("MONITORING_SESSION_EXPIRY_S", str(7 * 86400)))
MONITORING_PARTITION_INTERVAL = os.environ.get("MONITORING_PARTITION_INTERVAL", "day")  # day | month
MONITORING_PARTITIONS_AHEAD_DAYS = int(os.environ.get("MONITORING_PARTITIONS_AHEAD_DAYS", "7"))
MONITORING_RETENTION_DAYS = int(os.environ.get("MONITORING_RETENTION_DAYS", "180"))
MONITORING_MINUTE_ROLLUP_DAYS = int(os.environ.get("MONITORING_MINUTE_ROLLUP_DAYS", "31"))  # hours are kept longer
MONITORING_MAX_CLOCK_SKEW_S = int(os.environ.get("MONITORING_MAX_CLOCK_SKEW_S", "600"))  # readings from the future
MONITORING_ESCALATE_AFTER_MIN = int(os.environ.get("MONITORING_ESCALATE_AFTER_MIN", "15"))
MONITORING_HAZARD_LEAD_UNIT = os.environ.get("MONITORING_HAZARD_LEAD_UNIT", "区城市管理委")
MONITORING_WEBHOOK_URL = os.environ.get("MONITORING_WEBHOOK_URL", "")
MONITORING_NOTIFY_EMAILS = [e for e in os.environ.get("MONITORING_NOTIFY_EMAILS", "").split(",") if e]
MONITORING_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("MONITORING_NOTIFY_MAX_ATTEMPTS", "5"))
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "AlarmSeverityEnum": "gasguard.monitoring.choices.Severity",
    "AlarmStateEnum": "gasguard.monitoring.choices.AlarmState",
    "DeviceKindEnum": "gasguard.monitoring.choices.DeviceKind",
    "DeviceStateEnum": "gasguard.monitoring.choices.DeviceState",
})

# Job runner (gasguard/jobs): SqliteHuey in DATA_DIR by default; JOBS_REDIS_URL (redis://host:6379/0) selects Redis.
from gasguard.jobs.config import huey_settings  # noqa: E402

HUEY = huey_settings(DATA_DIR)
