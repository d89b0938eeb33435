"""Django settings for OurShiksha: the only module that reads the environment.

DJANGO_ENV selects the mode: "development" (default: SQLite, local-memory cache, console
email, no secrets needed) or "production" (refuses to start without its secrets). Every
variable is listed with its default in README.md.
"""

import ipaddress
import os
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer") from exc


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$")


def _env_origins(name: str, default: str) -> list[str]:
    """A CORS allowlist: exact scheme://host[:port] origins; "*" and "null" are refused."""
    origins = _env_list(name, default)
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise ImproperlyConfigured(
                f"{name} must list origins like https://host, not {origin!r}"
            )
    return origins


ENVIRONMENT = _env("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

# --- Core --------------------------------------------------------------------------------
DEBUG = _env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = _env("SECRET_KEY")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
KEYED_HASH_PEPPERS = _env("KEYED_HASH_PEPPERS")
# Derives each emailed OTP from its challenge id (HMAC): the code itself is stored nowhere.
OTP_CODE_KEYS = _env("OTP_CODE_KEYS")
REDIS_URL = _env("REDIS_URL")
# Signs admin JWTs only: a leak of SECRET_KEY (sessions, CSRF) must not let anyone mint one.
ADMIN_JWT_SIGNING_KEY = _env("ADMIN_JWT_SIGNING_KEY")

if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY is required in production")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")
    if not ALLOWED_HOSTS or any("*" in host for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured("ALLOWED_HOSTS must list real host names in production")
    if not KEYED_HASH_PEPPERS:
        raise ImproperlyConfigured("KEYED_HASH_PEPPERS is required in production")
    if not OTP_CODE_KEYS:
        raise ImproperlyConfigured("OTP_CODE_KEYS is required in production")
    if not REDIS_URL:
        raise ImproperlyConfigured("REDIS_URL is required in production (shared rate limits)")
    if len(ADMIN_JWT_SIGNING_KEY) < 32:
        raise ImproperlyConfigured("ADMIN_JWT_SIGNING_KEY is required in production (32+ chars)")
    if ADMIN_JWT_SIGNING_KEY == SECRET_KEY:
        raise ImproperlyConfigured("ADMIN_JWT_SIGNING_KEY must differ from SECRET_KEY")
else:
    # Development only: fixed, public values so a fresh checkout runs with nothing set.
    SECRET_KEY = SECRET_KEY or "development-only-insecure-secret-key-never-use-in-production"
    KEYED_HASH_PEPPERS = KEYED_HASH_PEPPERS or "1:development-only-pepper"
    OTP_CODE_KEYS = OTP_CODE_KEYS or "1:development-only-otp-code-key"
    ADMIN_JWT_SIGNING_KEY = (
        ADMIN_JWT_SIGNING_KEY or "development-only-admin-jwt-signing-key-never-in-production"
    )

# Which URL sets this process serves: "guru" (admin API, admin site, public API) and
# "shishya" (the student API). One process serves both by default.
SERVED_SYSTEMS = _env_list("SERVED_SYSTEMS", "guru,shishya")
if not SERVED_SYSTEMS or not set(SERVED_SYSTEMS) <= {"guru", "shishya"}:
    raise ImproperlyConfigured("SERVED_SYSTEMS must list 'guru' and/or 'shishya'")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "servestatic",
    "rest_framework",
    "corsheaders",
    "django_ratelimit",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "config",
    "accounts",
    "guru",
    "shishya",
    "wallet",
    "payments",
    "learning",
    "mithra",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    # Before anything reads the path or the body (static files, sessions, CSRF, views).
    "config.input_guard.InputGuardMiddleware",
    # Security, CSRF and X-Frame-Options stay Django's own classes by their paths: Django's
    # deploy checks look for those. The others' I/O-free hooks run on the event loop under
    # the async handler (config.django_middleware).
    "django.middleware.security.SecurityMiddleware",
    # ServeStatic (WhiteNoise's async fork: same storage, same rules) on async handlers only.
    "config.static_files.static_files_middleware",
    "corsheaders.middleware.CorsMiddleware",
    "guru.cors.GuruCorsMiddleware",
    "config.django_middleware.SessionMiddleware",
    "config.django_middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.django_middleware.AuthenticationMiddleware",
    "config.django_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UserBackend"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            ],
        },
    },
]

# --- Data --------------------------------------------------------------------------------
# Under ASGI every request's database work runs in a thread of its own, so a connection kept
# per thread (CONN_MAX_AGE > 0) would be one per request in flight: on PostgreSQL psycopg's
# pool lends connections instead (each is given back when a request's step closes it), which
# Django allows only with CONN_MAX_AGE=0.
DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=_env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# How long any statement waits for a row lock another request holds (a wallet, an order;
# on SQLite the database's write lock) before the request answers 409 with Retry-After: set
# once per connection, not per query.
DATABASE_LOCK_TIMEOUT_MS = _env_int("DATABASE_LOCK_TIMEOUT_MS", 5000)
DB_POOL = _env_bool("DB_POOL", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    if DB_POOL:
        if DATABASES["default"]["CONN_MAX_AGE"]:
            raise ImproperlyConfigured("DB_POOL needs DB_CONN_MAX_AGE=0 (the pool reuses them)")
        _db_options["pool"] = {
            "min_size": _env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": _env_int("DB_POOL_MAX_SIZE", 20),
            # A request waiting longer than this for a connection fails (500) rather than queue.
            "timeout": float(_env("DB_POOL_TIMEOUT_SECONDS", "10")),
        }
    _db_options["options"] = " ".join(
        filter(None, [_db_options.get("options"), f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"])
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # PostgreSQL's integer ranges (config/sqlite/base.py). A request's thread and the
    # in-process tasks write at once. Every transaction takes SQLite's one write lock when it
    # begins, reads included, so a read-then-write cannot fail on a stale snapshot, and waits
    # up to the lock timeout for it; WAL lets reads outside a transaction go on meanwhile. An
    # in-process call made inside a transaction runs in it (config/in_process.py). The tests'
    # database is a file too, one per test process: SQLite's shared in-memory database fails
    # a second writer at once instead of making it wait.
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_LOCK_TIMEOUT_MS / 1000,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"ourshiksha-test-{os.getpid()}.sqlite3")
    }

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _env("CACHE_KEY_PREFIX", "ourshiksha"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    SILENCED_SYSTEM_CHECKS: list[str] = []
else:
    # One process only: rate-limit counters are not shared, so only development may do this.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Security ----------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Student sessions live in the database (the record `clearsessions` purges); the cookie is
# only the key. Idle: the expiry slides while the student is active. Absolute: counted from
# login, however active (config.authentication enforces both).
# The database is the record; the cache (Redis in production) spares a query per request
# (config.sessions: Django's cached_db, read from the database alone while the cache is down).
SESSION_ENGINE = "config.sessions"
SESSION_IDLE_TIMEOUT_SECONDS = _env_int("SESSION_IDLE_TIMEOUT_SECONDS", 3 * 24 * 3600)
SESSION_ABSOLUTE_LIFETIME_SECONDS = _env_int("SESSION_ABSOLUTE_LIFETIME_SECONDS", 14 * 24 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_DOMAIN = _env("SESSION_COOKIE_DOMAIN") or None
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "config.exception_handler.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The student SPA's allowlist: credentials allowed, student routes only (never admin/public).
CORS_ALLOWED_ORIGINS = _env_origins("STUDENT_SPA_ORIGINS", "")
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/(?!admin/|public/).*$"
# Guru's allowlists, served by guru.cors (cors-headers holds one allowlist per process): the
# admin UI on /api/admin/ (bearer tokens, no cookies), the Shishya origin for GETs on
# /api/public/ (no credentials).
GURU_ADMIN_ORIGINS = _env_origins("GURU_ADMIN_ORIGINS", "https://guru.ourshiksha.ai")
GURU_PUBLIC_ORIGINS = _env_origins("GURU_PUBLIC_ORIGINS", "https://shishya.ourshiksha.ai")

RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"

# --- Rate limits: sources and budgets (django-ratelimit rates, "<n>/<period>") --------------
# A per-source limit counts an IPv4 address, or an IPv6 address's /RATE_LIMIT_IPV6_PREFIX
# network (one subscriber), and each /RATE_LIMIT_IPV6_WIDE_PREFIX network (one site) gets
# RATE_LIMIT_IPV6_WIDE_FACTOR such budgets above it. IPv4-mapped IPv6 counts as IPv4.
RATE_LIMIT_IPV6_PREFIX = _env_int("RATE_LIMIT_IPV6_PREFIX", 64)
RATE_LIMIT_IPV6_WIDE_PREFIX = _env_int("RATE_LIMIT_IPV6_WIDE_PREFIX", 48)
RATE_LIMIT_IPV6_WIDE_FACTOR = _env_int("RATE_LIMIT_IPV6_WIDE_FACTOR", 16)
if not 0 < RATE_LIMIT_IPV6_WIDE_PREFIX <= RATE_LIMIT_IPV6_PREFIX <= 128:
    raise ImproperlyConfigured("RATE_LIMIT_IPV6_WIDE_PREFIX <= RATE_LIMIT_IPV6_PREFIX <= 128")
try:
    # Partner networks (a college's NAT): higher sign-up and sign-in budgets only.
    TRUSTED_NETWORKS = [
        ipaddress.ip_network(cidr, strict=False) for cidr in _env_list("TRUSTED_NETWORKS")
    ]
except ValueError as exc:
    raise ImproperlyConfigured("TRUSTED_NETWORKS must be a comma-separated CIDR list") from exc

# Student sign-up and sign-in. Sends (signup, resend, forgot: each may email a code) and
# failures (wrong passwords, wrong codes) are counted per source; a classroom behind one
# address signs up and in at the start of a lesson without meeting them.
AUTH_SEND_RATE_PER_SOURCE = _env("AUTH_SEND_RATE_PER_SOURCE", "300/h")
AUTH_SEND_RATE_PER_TRUSTED_SOURCE = _env("AUTH_SEND_RATE_PER_TRUSTED_SOURCE", "3000/h")
AUTH_LOGIN_FAILURE_RATE_PER_SOURCE = _env("AUTH_LOGIN_FAILURE_RATE_PER_SOURCE", "200/15m")
AUTH_LOGIN_FAILURE_RATE_PER_TRUSTED_SOURCE = _env(
    "AUTH_LOGIN_FAILURE_RATE_PER_TRUSTED_SOURCE", "2000/15m"
)
# Wrong passwords for one account from one source (the pair), then for one account from all
# sources: past the latter, only browsers and sources that signed in to the account before
# may keep trying (each within its pair budget), so a stranger never locks the owner out.
AUTH_LOGIN_FAILURE_RATE_PER_PAIR = _env("AUTH_LOGIN_FAILURE_RATE_PER_PAIR", "10/15m")
AUTH_LOGIN_FAILURE_RATE_PER_ACCOUNT = _env("AUTH_LOGIN_FAILURE_RATE_PER_ACCOUNT", "30/15m")
# How long a browser or source that signed in is remembered as the account's.
AUTH_KNOWN_BROWSER_DAYS = _env_int("AUTH_KNOWN_BROWSER_DAYS", 90)
# Wrong signup and reset codes per source: never raised for trusted networks.
AUTH_CODE_FAILURE_RATE_PER_SOURCE = _env("AUTH_CODE_FAILURE_RATE_PER_SOURCE", "60/15m")
# Logged-in password changes per student.
AUTH_PASSWORD_CHANGE_RATE = _env("AUTH_PASSWORD_CHANGE_RATE", "10/15m")
# Code emails to one address: sends past it are skipped silently, except to a browser that
# already holds a code for the address or signed in to it before.
EMAIL_RATE_PER_ADDRESS = _env("EMAIL_RATE_PER_ADDRESS", "5/h")
# Every code and notice email the system sends, all addresses together.
EMAIL_RATE_GLOBAL = _env("EMAIL_RATE_GLOBAL", "5000/h")

# --- OTP and email -----------------------------------------------------------------------
OTP_TTL_SECONDS = _env_int("OTP_TTL_SECONDS", 300)
OTP_MAX_ATTEMPTS = 3
OTP_RESEND_COOLDOWN_SECONDS = _env_int("OTP_RESEND_COOLDOWN_SECONDS", 60)
OTP_DAILY_FAILURE_CAP = _env_int("OTP_DAILY_FAILURE_CAP", 10)

# --- Admin sign-in (guru) ----------------------------------------------------------------
ADMIN_ACCESS_TOKEN_MINUTES = _env_int("ADMIN_ACCESS_TOKEN_MINUTES", 30)
ADMIN_SESSION_IDLE_MINUTES = _env_int("ADMIN_SESSION_IDLE_MINUTES", 30)
ADMIN_SESSION_ABSOLUTE_HOURS = _env_int("ADMIN_SESSION_ABSOLUTE_HOURS", 12)
# Per client IP and per account, on login and OTP entry alike. Enough for a person who
# mistypes, far too few for guessing (the OTP service adds 3 tries per code and a daily
# cap); the windows are short so a stranger hammering an account holds it for minutes only.
# Never raised for trusted networks.
ADMIN_AUTH_RATE_PER_IP = _env("ADMIN_AUTH_RATE_PER_IP", "20/10m")
ADMIN_AUTH_RATE_PER_ACCOUNT = _env("ADMIN_AUTH_RATE_PER_ACCOUNT", "10/10m")
ADMIN_REFRESH_RATE_PER_IP = _env("ADMIN_REFRESH_RATE_PER_IP", "60/10m")

SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": ADMIN_JWT_SIGNING_KEY,
    "VERIFYING_KEY": "",
    "AUDIENCE": "guru-admin",
    "ISSUER": "ourshiksha",
    "LEEWAY": 0,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=ADMIN_ACCESS_TOKEN_MINUTES),
    # A refresh token cannot outlive its session, which the server checks on every use.
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=ADMIN_SESSION_ABSOLUTE_HOURS),
    "ROTATE_REFRESH_TOKENS": False,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

RESEND_API_KEY = _env("RESEND_API_KEY")
if PRODUCTION and not RESEND_API_KEY:
    # Without it emails would go to the console backend: every OTP printed in the logs.
    raise ImproperlyConfigured("RESEND_API_KEY is required in production")
RESEND_API_URL = _env("RESEND_API_URL", "https://api.resend.com")
RESEND_TIMEOUT_SECONDS = _env_int("RESEND_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = _env("RESEND_FROM_EMAIL", "OurShiksha <no-reply@ourshiksha.ai>")
EMAIL_BACKEND = (
    "accounts.email.ResendEmailBackend"
    if RESEND_API_KEY
    else "django.core.mail.backends.console.EmailBackend"
)
# A worker whose send takes longer than this (killed, hung) loses its claim on the email:
# beat hands it to another worker, and Resend's idempotency key keeps it one delivery.
EMAIL_OUTBOX_CLAIM_SECONDS = _env_int("EMAIL_OUTBOX_CLAIM_SECONDS", 120)
# Resend keeps an idempotency key for 24 hours: an email is never tried again after this
# age, so a retry can never become a second delivery.
EMAIL_OUTBOX_MAX_AGE_SECONDS = _env_int("EMAIL_OUTBOX_MAX_AGE_SECONDS", 20 * 3600)
EMAIL_SEND_MAX_RETRIES = _env_int("EMAIL_SEND_MAX_RETRIES", 5)

# --- Background work: Celery ---------------------------------------------------------------
# Unset in development: tasks then run in this process right after commit, so nothing else
# needs to run. Production defaults to REDIS_URL; amqp://user:password@host:5672/vhost selects
# RabbitMQ instead.
CELERY_BROKER_URL = _env("CELERY_BROKER_URL", REDIS_URL if PRODUCTION else "")
# The queue web processes send to and workers consume: deployments sharing one broker each
# name their own.
CELERY_TASK_DEFAULT_QUEUE = _env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

# When this process serves both systems, each side's calls to the other (Guru reads, wallet
# grants) are answered by this process's own views without a socket (config.in_process).
IN_PROCESS_CALLS = _env_bool("IN_PROCESS_CALLS", True)
# Threads per process that run sync views under ASGI (config.asgi); each holds at most one
# pooled database connection while it runs.
SYNC_REQUEST_THREADS = _env_int("SYNC_REQUEST_THREADS", 20)

# --- Guru public API ------------------------------------------------------------------------
# Requests one API key may make (django-ratelimit rate: "<n>/<s|m|h|d>").
GURU_PUBLIC_API_RATE = _env("GURU_PUBLIC_API_RATE", "1200/m")

# --- Guru client (how SHISHYA reads Guru) -------------------------------------------------
# One process serves both systems in development, so the student side reads its own Guru.
GURU_BASE_URL = _env("GURU_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
GURU_API_KEY = _env("GURU_API_KEY")
if PRODUCTION and "shishya" in SERVED_SYSTEMS and not (GURU_BASE_URL and GURU_API_KEY):
    raise ImproperlyConfigured("GURU_BASE_URL and GURU_API_KEY are required to serve shishya")
GURU_CONNECT_TIMEOUT_SECONDS = float(_env("GURU_CONNECT_TIMEOUT_SECONDS", "2"))
GURU_READ_TIMEOUT_SECONDS = float(_env("GURU_READ_TIMEOUT_SECONDS", "5"))
GURU_RETRIES = _env_int("GURU_RETRIES", 2)
GURU_RETRY_BACKOFF_SECONDS = float(_env("GURU_RETRY_BACKOFF_SECONDS", "0.2"))
GURU_CACHE_TTLS = {
    "catalog": _env_int("GURU_TTL_CATALOG_SECONDS", 300),
    "course": _env_int("GURU_TTL_COURSE_SECONDS", 900),
    "assessment": _env_int("GURU_TTL_ASSESSMENT_SECONDS", 3600),
    "pricing": _env_int("GURU_TTL_PRICING_SECONDS", 300),
    "settings": _env_int("GURU_TTL_SETTINGS_SECONDS", 300),
}
GURU_STALE_TTL_SECONDS = _env_int("GURU_STALE_TTL_SECONDS", 7 * 24 * 3600)
GURU_FAILURE_HOLD_SECONDS = _env_int("GURU_FAILURE_HOLD_SECONDS", 5)
# Guru's content version is read at most this often per deployment; a decision reflects every
# Guru write committed this long before it (README, "Freshness").
GURU_VERSION_MAX_AGE_SECONDS = float(_env("GURU_VERSION_MAX_AGE_SECONDS", "1"))
# /api/health asks Guru whether it answers when no process has for this long.
GURU_PROBE_INTERVAL_SECONDS = float(_env("GURU_PROBE_INTERVAL_SECONDS", "5"))

# --- Wallet -------------------------------------------------------------------------------
# Shared keys our own systems sign wallet requests with: "key_id:secret,key_id:secret" (two
# live during a rotation). Secrets live only in the environment, never in the database.
SYSTEM_KEYS = dict(
    entry.split(":", 1)
    for entry in _env_list("SYSTEM_KEYS", "" if PRODUCTION else "dev:development-system-key")
    if ":" in entry
)
SYSTEM_SIGNATURE_MAX_AGE_SECONDS = 300
# Credits one system request may add, and that system requests may add to one student a day.
WALLET_SYSTEM_MAX_CREDITS = _env_int("WALLET_SYSTEM_MAX_CREDITS", 100_000)
WALLET_SYSTEM_DAILY_CAP = _env_int("WALLET_SYSTEM_DAILY_CAP", 200_000)
# An Idempotency-Key claimed longer ago than this by a request that never finished (a crashed
# worker) may be taken over by a retry.
IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS = _env_int("IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS", 60)

# --- Payments (Razorpay) ------------------------------------------------------------------
# Optional even in production: without the keys, payment endpoints answer 503
# payments_unavailable and everything else runs. Half a configuration is refused instead.
RAZORPAY_KEY_ID = _env("RAZORPAY_KEY_ID")
RAZORPAY_KEY_SECRET = _env("RAZORPAY_KEY_SECRET")
RAZORPAY_BASE_URL = _env("RAZORPAY_BASE_URL", "https://api.razorpay.com").rstrip("/")
RAZORPAY_TIMEOUT_SECONDS = float(_env("RAZORPAY_TIMEOUT_SECONDS", "8"))
RAZORPAY_WEBHOOK_SECRET = _env("RAZORPAY_WEBHOOK_SECRET")
# During a webhook secret rotation the old secret is accepted until this instant (ISO 8601
# with a time zone), and never after it.
RAZORPAY_PREVIOUS_WEBHOOK_SECRET = _env("RAZORPAY_PREVIOUS_WEBHOOK_SECRET")
RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT: datetime | None = None
if bool(RAZORPAY_KEY_ID) != bool(RAZORPAY_KEY_SECRET):
    raise ImproperlyConfigured("RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET are set together")
if RAZORPAY_KEY_ID and PRODUCTION and not RAZORPAY_WEBHOOK_SECRET:
    raise ImproperlyConfigured("RAZORPAY_WEBHOOK_SECRET is required when payments are on")
if RAZORPAY_PREVIOUS_WEBHOOK_SECRET:
    try:
        RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT = datetime.fromisoformat(
            _env("RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT")
        )
    except ValueError as exc:
        raise ImproperlyConfigured(
            "RAZORPAY_PREVIOUS_WEBHOOK_SECRET needs RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT "
            "(ISO 8601 with a time zone)"
        ) from exc
    if RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT.tzinfo is None:
        raise ImproperlyConfigured("RAZORPAY_PREVIOUS_WEBHOOK_SECRET_EXPIRES_AT needs a time zone")

# --- Guru -> Shishya (admin credit grants) -------------------------------------------------
# Where Guru reaches the student side, and the system key it signs with (one of Shishya's
# SYSTEM_KEYS). One process in development: Guru calls itself.
SHISHYA_BASE_URL = _env("SHISHYA_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
GURU_SYSTEM_KEY_ID = _env("GURU_SYSTEM_KEY_ID", "" if PRODUCTION else "dev")
GURU_SYSTEM_KEY = _env("GURU_SYSTEM_KEY", "" if PRODUCTION else "development-system-key")
SHISHYA_TIMEOUT_SECONDS = float(_env("SHISHYA_TIMEOUT_SECONDS", "5"))

# --- Learning -------------------------------------------------------------------------------
# A test answer sent this long after the deadline still counts (network latency); after it
# the attempt is closed and no longer blocks the tutor.
TEST_SUBMIT_GRACE_SECONDS = _env_int("TEST_SUBMIT_GRACE_SECONDS", 30)
# Where people open the public verification pages: a certificate's QR code and its
# verification link are built on it, so production must name its real public address.
PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and "shishya" in SERVED_SYSTEMS and not PUBLIC_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("PUBLIC_BASE_URL (https://...) is required to serve shishya")
# Lookups of certificates and marksheets one source (an IPv4 address or an IPv6 /64, with
# the /48 above it) may make on the public verify routes; public portfolios one source may read.
VERIFY_RATE_PER_IP = _env("VERIFY_RATE_PER_IP", "60/m")
PORTFOLIO_RATE_PER_SOURCE = _env("PORTFOLIO_RATE_PER_SOURCE", "60/m")
# Razorpay orders one student may create, and payments one student may ask to verify.
PAYMENT_ORDER_RATE = _env("PAYMENT_ORDER_RATE", "10/m")
PAYMENT_VERIFY_RATE = _env("PAYMENT_VERIFY_RATE", "30/m")
# Test starts and submissions one student may make (django-ratelimit rate).
TEST_ATTEMPT_RATE = _env("TEST_ATTEMPT_RATE", "10/m")

# Requests one student may make to any student route (each may read Guru), and certificate
# generations and PDF renders one student may ask for (one budget for both).
STUDENT_RATE = _env("STUDENT_RATE", "120/m")
STUDENT_CERTIFICATE_RATE = _env("STUDENT_CERTIFICATE_RATE", "6/m")
# Voucher codes Guru does not know, per student and per source (each costs a Guru read);
# a code Guru answered "not found" for is remembered this long, so repeats cost nothing.
VOUCHER_UNKNOWN_RATE_PER_STUDENT = _env("VOUCHER_UNKNOWN_RATE_PER_STUDENT", "10/h")
VOUCHER_UNKNOWN_RATE_PER_SOURCE = _env("VOUCHER_UNKNOWN_RATE_PER_SOURCE", "60/h")
VOUCHER_NOT_FOUND_CACHE_SECONDS = _env_int("VOUCHER_NOT_FOUND_CACHE_SECONDS", 10)

# --- Labs: code runs on a Judge0-compatible service, never in this process ------------------
# Without JUDGE0_URL, labs whose validation runs the code answer 503 lab_runner_unavailable;
# labs checked on the code's text (regex, contains) work either way.
JUDGE0_URL = _env("JUDGE0_URL").rstrip("/")
JUDGE0_AUTH_TOKEN = _env("JUDGE0_AUTH_TOKEN")
if PRODUCTION and JUDGE0_URL and not JUDGE0_AUTH_TOKEN:
    raise ImproperlyConfigured("JUDGE0_AUTH_TOKEN is required with JUDGE0_URL in production")
# One run waits for its verdict (wait=true): the limits below plus the queue, so well above
# the wall time limit.
JUDGE0_TIMEOUT_SECONDS = float(_env("JUDGE0_TIMEOUT_SECONDS", "30"))
# Guru's lab language -> Judge0 language id (ids differ between Judge0 installations:
# override as "python:71,java:62"). A language with no id cannot be run.
JUDGE0_LANGUAGE_IDS = {
    "python": 71,
    "javascript": 63,
    "typescript": 74,
    "java": 62,
    "c": 50,
    "cpp": 54,
    "go": 60,
    "sql": 82,
}
for _language, _, _language_id in (e.partition(":") for e in _env_list("JUDGE0_LANGUAGE_IDS")):
    if not _language_id.strip().isdigit():
        raise ImproperlyConfigured("JUDGE0_LANGUAGE_IDS must look like python:71,java:62")
    JUDGE0_LANGUAGE_IDS[_language.strip()] = int(_language_id)
LAB_RUN_CPU_TIME_LIMIT_SECONDS = float(_env("LAB_RUN_CPU_TIME_LIMIT_SECONDS", "5"))
LAB_RUN_WALL_TIME_LIMIT_SECONDS = float(_env("LAB_RUN_WALL_TIME_LIMIT_SECONDS", "10"))
LAB_RUN_MEMORY_LIMIT_KB = _env_int("LAB_RUN_MEMORY_LIMIT_KB", 128_000)
# Largest lab submission accepted, in UTF-8 bytes.
LAB_CODE_MAX_BYTES = _env_int("LAB_CODE_MAX_BYTES", 64 * 1024)
# Lab submissions one student may make (each may run code on the runner).
LAB_SUBMIT_RATE = _env("LAB_SUBMIT_RATE", "20/m")

# --- Mithra, the AI tutor (OpenAI) -----------------------------------------------------------
# Optional even in production: without a key the tutor answers 503 tutor_unavailable and
# everything else runs.
OPENAI_API_KEY = _env("OPENAI_API_KEY")
OPENAI_BASE_URL = _env("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/")
# Used only when Guru's tutor settings name no model: Guru's choice wins, so admins switch
# models without a deploy.
OPENAI_MODEL = _env("OPENAI_MODEL", "gpt-4o-mini")
# Per attempt; the SDK retries connection errors, 408/409/429 and 5xx at most this often.
OPENAI_TIMEOUT_SECONDS = float(_env("OPENAI_TIMEOUT_SECONDS", "20"))
OPENAI_MAX_RETRIES = _env_int("OPENAI_MAX_RETRIES", 1)
# The SDK's timeout bounds each wait for the next chunk; this bounds a whole answer, first
# chunk to last, so a model that trickles forever still ends (nothing charged). The hold on
# the student's credits outlives it (mithra.selectors.hold_seconds).
MITHRA_ANSWER_DEADLINE_SECONDS = float(_env("MITHRA_ANSWER_DEADLINE_SECONDS", "60"))
MITHRA_MAX_ANSWER_TOKENS = _env_int("MITHRA_MAX_ANSWER_TOKENS", 800)
# Questions one student may send (answered or not), besides Guru's daily cap of answers.
MITHRA_ASK_RATE = _env("MITHRA_ASK_RATE", "10/m")
# What goes to the model besides the question: the last few messages of the conversation
# within a character budget, and the lesson's content cut to a budget of its own.
MITHRA_HISTORY_MESSAGES = _env_int("MITHRA_HISTORY_MESSAGES", 6)
MITHRA_HISTORY_MAX_CHARS = _env_int("MITHRA_HISTORY_MAX_CHARS", 6000)
MITHRA_CONTEXT_MAX_CHARS = _env_int("MITHRA_CONTEXT_MAX_CHARS", 12000)

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["config.authentication.SessionAuthentication"],
    # Every route is a student route unless its view says otherwise (admin, public API,
    # system calls, open routes declare their own classes).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsStudent"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exception_handler.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Every student route is limited per student (a view's student_rate names a stricter
    # setting); the walking test tests/config/test_student_limits.py holds it so.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.StudentRateThrottle"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "OurShiksha API",
    "DESCRIPTION": "GURU (admin and public read-only API) and SHISHYA (student API).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A JavaScript object literal spread into Swagger UI's configuration (after
    # drf-spectacular's own): its CSRF header follows the cookie across sign-ins.
    "SWAGGER_UI_SETTINGS": (BASE_DIR / "config" / "api_docs.js").read_text(),
    "ENUM_NAME_OVERRIDES": {
        "ProjectSubmissionStatusEnum": "learning.models.ProjectSubmission.Status",
    },
}

# --- Static files, i18n ------------------------------------------------------------------
STATIC_URL = "/static/"
# Production serves collected files (manage.py collectstatic); development serves them from
# the apps directly, so a fresh checkout needs no build step.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
SERVESTATIC_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "servestatic.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging: JSON lines on stdout, each with the request id, secrets redacted ------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "paths": {"()": "config.logging.RequestPathFilter"},
        "redact": {"()": "config.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            # Routes in place of raw paths first, then the redaction of what is left.
            "filters": ["request_id", "paths", "redact"],
        }
    },
    "root": {"handlers": ["stdout"], "level": _env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults give its loggers handlers of their own (a console in DEBUG, mail to
        # ADMINS) that print raw paths: every line goes through ours instead, filtered. The dev
        # server's request lines say nothing an error line does not, so only failures.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"level": "WARNING", "handlers": ["stdout"], "propagate": False},
        # The OpenAI SDK and its HTTP client: never their debug lines (request options),
        # whatever LOG_LEVEL says; the request lines carry nothing we need.
        "openai": {"level": "INFO"},
        "httpx2": {"level": "WARNING"},
        # urllib3 (requests: the Guru client, Razorpay, Resend) names the URL in its retry and
        # debug lines, and a URL can carry a voucher code; our clients log failures by route.
        "urllib3": {"level": "ERROR"},
        # The certificate PDF subsets its fonts: dozens of lines per document otherwise.
        "fontTools": {"level": "WARNING"},
    },
}
