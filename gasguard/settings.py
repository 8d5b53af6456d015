"""Settings. Every setting that differs between machines comes from the environment (see README)."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gasguard.utilities.devkeys import dev_keys

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GASGUARD_DATA_DIR", Path.cwd() / "var"))

# Safe defaults: DEBUG is off unless asked for (make run sets DEBUG=1). GASGUARD_DEV=1 (make run, make bench) marks a
# development machine: a missing SECRET_KEY, PII_KEYS or AUDIT_HMAC_KEY is generated once into the data folder.
# Anywhere else a missing or default key stops start-up, naming the variable (tests set theirs in pyproject.toml).
DEBUG = os.environ.get("DEBUG", "0") == "1"
GASGUARD_DEV = os.environ.get("GASGUARD_DEV", "0") == "1"
_DEV_KEYS = dev_keys(DATA_DIR) if GASGUARD_DEV else {}
_PUBLIC_SECRET_KEYS = {"", "gasguard-dev-only-secret-change-me"}  # the old built-in default is public
SECRET_KEY = os.environ.get("SECRET_KEY", "") or _DEV_KEYS.get("SECRET_KEY", "")
if SECRET_KEY in _PUBLIC_SECRET_KEYS or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY 未设置或为公开的默认值：生产环境必须设置环境变量 SECRET_KEY（至少 50 个随机字符，"
                               "例如 python -c \"import secrets; print(secrets.token_urlsafe(50))\"）；"
                               "开发机器（make run）设 GASGUARD_DEV=1 则自动生成。")
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
    "csp",
    "gasguard.audit",
    "gasguard.org",
    "gasguard.notifications",
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
    "gasguard.demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gasguard.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gasguard.utilities.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the login page with its message
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

# Accounts and sessions. Passwords: Django's four validators (at least PASSWORD_MIN_LENGTH characters).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gasguard.web.accounts.MinimumLengthValidator",  # Django's, its message in Chinese
     "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from one address lock that
# pair out for LOGIN_COOLOFF_MINUTES (another address, or the right user elsewhere, is not locked out).
AUTHENTICATION_BACKENDS = ["gasguard.web.accounts.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every command
AXES_LOCKOUT_CALLABLE = "gasguard.web.accounts.lockout"
# Behind a reverse proxy every request comes from the proxy's address: TRUSTED_PROXY_COUNT says how many proxies
# append to X-Forwarded-For (1 for one nginx), so that the client's own address is the one counted.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "gasguard.web.accounts.client_ip"
# A session lasts SESSION_HOURS (a working day) and, on shared office computers, ends with the browser.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "12")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = os.environ.get("SESSION_EXPIRE_AT_BROWSER_CLOSE", "1") == "1"
# API tokens (POST /api/v1/auth/token/) expire API_TOKEN_TTL_HOURS after they were issued (default 30 days: the
# stations' readers run unattended and ask again with their account; a lost token is useful for a month at most).
API_TOKEN_TTL_HOURS = float(os.environ.get("API_TOKEN_TTL_HOURS", str(24 * 30)))

# HTTPS (production: on unless DEBUG). Behind a proxy that terminates TLS, SECURE_PROXY_SSL_HEADER names the header
# it sets (e.g. X-Forwarded-Proto) so that Django knows the request was https; the proxy must overwrite it.
HTTPS = os.environ.get("HTTPS", "0" if DEBUG else "1") == "1"
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1" if HTTPS else "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 86400) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "1") == "1"
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")

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
# Uploads (gasguard/utilities/uploads.py): a larger file is refused; a picture of more pixels too, before it is
# decoded (a small file can unpack into gigabytes).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", 40_000_000))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gasguard.utilities.tokens.ExpiringTokenAuthentication",
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
    # JSON through utilities/jsonbody.py: too deep a nesting or a NUL answers 400 (API_JSON_MAX_DEPTH below).
    "DEFAULT_PARSER_CLASSES": [
        "gasguard.utilities.jsonbody.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # POST /api/v1/auth/token/ per client address (API_TOKEN_RATE; behind proxies, see TRUSTED_PROXY_COUNT)
    "DEFAULT_THROTTLE_RATES": {"auth_token": os.environ.get("API_TOKEN_RATE", "20/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# The deepest nesting of arrays and objects a JSON request body may have (deeper: 400).
API_JSON_MAX_DEPTH = int(os.environ.get("API_JSON_MAX_DEPTH", "32"))
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
        "CustomerKindEnum": "gasguard.cylinders.choices.CustomerKind",
    },
}

# Excel imports (/imports/ and the cylinder register): the upload's size, what it may unpack to (checked before it
# is opened: a small zip can unpack to gigabytes) and the rows of its data sheet, blank ones included.
IMPORTS_MAX_BYTES = int(os.environ.get("IMPORTS_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORTS_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORTS_MAX_UNPACKED_BYTES", str(40 * 1024 * 1024)))
IMPORTS_MAX_ROWS = int(os.environ.get("IMPORTS_MAX_ROWS", "20000"))

# Map (一张图): an intranet tile server, if any. With none, the map shows points and outlines on a plain ground.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# "wgs84", or "gcj02" for tile servers in the Chinese offset system (points are shifted for display only).
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "wgs84")
MAP_CENTER = [38.98, 117.62]
MAP_ZOOM = 10

# Content-Security-Policy (django-csp) on every page: scripts, styles, fetches and images from the platform only
# (intranets have no internet, and a script planted in data must not run). The inline scripts that remain carry
# the request's nonce. Images may also come from the tile server's origin when MAP_TILE_URL is set.
from gasguard.utilities.csp import content_security_policy  # noqa: E402

CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)

# Hazards: how many closed hazards are drawn for look-back each month (share, and a floor).
LOOKBACK_SAMPLE_RATE = float(os.environ.get("LOOKBACK_SAMPLE_RATE", "0.1"))
LOOKBACK_MIN_SAMPLE = int(os.environ.get("LOOKBACK_MIN_SAMPLE", "5"))
# Hazards: a deadline lies at most this many days ahead (nobody may set 2099); within the check item's default
# period (or this default, without an item) from the day it was found anyone acting on it may set it, beyond only
# the lead unit (or the office).
HAZARD_MAX_DEADLINE_DAYS = int(os.environ.get("HAZARD_MAX_DEADLINE_DAYS", "365"))
HAZARD_DEFAULT_DEADLINE_DAYS = int(os.environ.get("HAZARD_DEFAULT_DEADLINE_DAYS", "15"))

# Audit chain (gasguard/audit) and backups. Each record is chained with HMAC-SHA256 under AUDIT_HMAC_KEY, kept
# outside the database: production must set it (start-up stops without it) and keep it with the backups' keys; a
# development machine makes one once in DATA_DIR/audit-hmac.key. Changing it breaks `audit verify`.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "") or _DEV_KEYS.get("AUDIT_HMAC_KEY", "")
if not AUDIT_HMAC_KEY:
    raise ImproperlyConfigured("AUDIT_HMAC_KEY 未设置：生产环境必须设置环境变量 AUDIT_HMAC_KEY（审计链签名密钥，保存在数据库之外，"
                               "与备份密钥一同保管，例如 python -c \"import secrets; print(secrets.token_hex(32))\"）；"
                               "开发机器（make run）设 GASGUARD_DEV=1 则自动生成。")
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
# cylinders/services/gate.py (_gate_insert_sql) says why that loses no filling. 0: every check waits.
CYLINDER_GATE_ALLOW_ASYNC_COMMIT = os.environ.get("CYLINDER_GATE_ALLOW_ASYNC_COMMIT", "1") != "0"
CYLINDER_OFFLINE_MAX_AGE_DAYS = int(os.environ.get("CYLINDER_OFFLINE_MAX_AGE_DAYS", "30"))
CYLINDER_DELIVERY_HAZARD_DAYS = int(os.environ.get("CYLINDER_DELIVERY_HAZARD_DAYS", "7"))
# Which cylinders a restaurant or canteen may not be sold: "all_50kg" (plan 二(一)2: every 50 kg bottle, the
# default) or "double_phase" (only the 50 kg 气液双相 YSP118-II, plan 二(四)3, for a district that rules so).
CYLINDER_CATERING_BAN = os.environ.get("CYLINDER_CATERING_BAN", "all_50kg")
# Keys for personal data at rest (utilities/pii.py: buyers' ID and phone numbers): PII_KEYS, comma-separated Fernet keys, newest first. The
# newest encrypts; every one decrypts, so a new key is put in front and `gasguard pii rotate` re-encrypts the stored
# numbers before the old one is dropped. Keep them with the database backups' keys: without them the numbers are lost.
# CYLINDER_PII_KEY (deprecated): the secret of the former scheme (a key derived from it, or from SECRET_KEY when it
# was empty), kept as the oldest key so that an installation can rotate away from it.
PII_KEYS = [k.strip() for k in (os.environ.get("PII_KEYS", "") or _DEV_KEYS.get("PII_KEYS", "")).split(",") if k.strip()]
CYLINDER_PII_KEY = os.environ.get("CYLINDER_PII_KEY", "")
# How many ID or phone numbers one user may see whole in any hour (cylinders.services.reveal; beyond it a 429).
PII_REVEALS_PER_HOUR = int(os.environ.get("PII_REVEALS_PER_HOUR", "20"))
for _n, _key in enumerate(PII_KEYS, 1):
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(f"PII_KEYS 的第 {_n} 个密钥不是有效的 Fernet 密钥（32 字节的 URL 安全 Base64）。")
if not PII_KEYS and not CYLINDER_PII_KEY:
    raise ImproperlyConfigured("PII_KEYS 未设置：生产环境必须设置环境变量 PII_KEYS（身份证号码加密密钥，Fernet 格式，"
                               "例如 python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"）；"
                               "开发机器（make run）设 GASGUARD_DEV=1 则自动生成。")
# Key of the token in a QR label's public URL (an HMAC of the code, so codes cannot be walked one after another);
# falls back to SECRET_KEY. Changing it invalidates every printed label's full page (the code alone still answers).
CYLINDER_SCAN_KEY = os.environ.get("CYLINDER_SCAN_KEY", "")
# The font embedded in the rectification notices and QR labels (PDF): a TrueType-outline font with Chinese (a .ttf,
# or a .ttc with "#index"); Debian's fonts-wqy-zenhei by default (scripts/install-system-deps.sh). Empty: the
# STSong-Light CID font, which is not embedded (the reader supplies it); so is a missing default font (logged once).
CYLINDER_PDF_FONT = os.environ.get("CYLINDER_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0")
# Readers' API tokens are resolved from a per-process cache for this long; on PostgreSQL a listener thread per
# process drops an entry as soon as its user or token changes (CYLINDERS_TOKEN_CACHE_LISTEN=0 turns it off).
CYLINDERS_TOKEN_CACHE_SECONDS = float(os.environ.get("CYLINDERS_TOKEN_CACHE_SECONDS", "30"))
CYLINDERS_TOKEN_CACHE_LISTEN = os.environ.get("CYLINDERS_TOKEN_CACHE_LISTEN", "1") == "1"
# The address printed in a QR label's URL (https://gas.example.gov.cn); empty: a path only, the page's own host.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

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
# How long a device's calibration holds (JJG 693: a combustible gas detector is verified at least once a year).
MONITORING_CALIBRATION_DAYS = int(os.environ.get("MONITORING_CALIBRATION_DAYS", "365"))
# The alarm stream (GET /api/v1/alarm-stream/; monitoring/README.md): a held stream takes a request thread, so a
# process holds at most MONITORING_STREAM_SLOTS (default: its threads but one, WEB_THREADS as in gunicorn_conf), each
# at most MONITORING_STREAM_HOLD_SECONDS; past that a board is answered at once and asks again after
# MONITORING_STREAM_RETRY_MS. A user holds at most MONITORING_STREAM_MAX_PER_USER streams (one more: 429).
MONITORING_STREAM_SLOTS = int(os.environ.get("MONITORING_STREAM_SLOTS",
                                             str(max(0, int(os.environ.get("WEB_THREADS", "1")) - 1))))
MONITORING_STREAM_HOLD_SECONDS = float(os.environ.get("MONITORING_STREAM_HOLD_SECONDS", "25"))
MONITORING_STREAM_RETRY_MS = int(os.environ.get("MONITORING_STREAM_RETRY_MS", "3000"))
MONITORING_STREAM_MAX_PER_USER = int(os.environ.get("MONITORING_STREAM_MAX_PER_USER", "3"))
# The anonymous HTTP readings endpoint: the largest body accepted (413 above, nothing kept), the characters of a
# payload kept in a dead letter, and per client address the requests (DRF rate, e.g. "600/min") and the requests
# that end as dead letters (bad secret, unknown device, malformed) before it answers 429 and keeps nothing more.
MONITORING_HTTP_MAX_BODY_BYTES = int(os.environ.get("MONITORING_HTTP_MAX_BODY_BYTES", "16384"))
MONITORING_DEAD_LETTER_MAX_CHARS = int(os.environ.get("MONITORING_DEAD_LETTER_MAX_CHARS", "4096"))
MONITORING_HTTP_RATE = os.environ.get("MONITORING_HTTP_RATE", "600/min")
MONITORING_HTTP_DEAD_LETTER_RATE = os.environ.get("MONITORING_HTTP_DEAD_LETTER_RATE", "30/min")
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "AlarmSeverityEnum": "gasguard.monitoring.choices.Severity",
    "AlarmStateEnum": "gasguard.monitoring.choices.AlarmState",
    "DeviceKindEnum": "gasguard.monitoring.choices.DeviceKind",
    "DeviceStateEnum": "gasguard.monitoring.choices.DeviceState",
})

# Job runner (gasguard/jobs): SqliteHuey in DATA_DIR by default; JOBS_REDIS_URL (redis://host:6379/0) selects Redis.
from gasguard.jobs.config import huey_settings  # noqa: E402

HUEY = huey_settings(DATA_DIR)

# The district report's PDF: LibreOffice's executable; unset: soffice or libreoffice on PATH; empty: drawn by reportlab.
REPORTS_SOFFICE = os.environ.get("REPORTS_SOFFICE")
