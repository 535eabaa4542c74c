"""Process configuration (environment / .env), read once with pydantic-settings.

Store rules that staff change at run time (prepayment, cancellation fee …) are
not here: they live in the ``store_settings`` table.
"""

from __future__ import annotations

import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE_NAME = ".secret_key"
MIN_SECRET_KEY_LENGTH = 32
#: Keys that have been published (an earlier default, placeholders from examples): never accepted.
PUBLISHED_KEYS = frozenset({"dev-secret-change-me", "changeme", "change-me", "secret", "secret-key"})


class InsecureSecretKey(RuntimeError):
    """SECRET_KEY is set to a value the world knows or can guess: the app refuses to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'salon.db'}"
    #: Signs the admin session cookie. Empty: a random key is made on first start and kept in
    #: ``secret_key_file`` (beside the SQLite database, permission 600), so no start uses a known key.
    secret_key: str = ""
    secret_key_file: str = ""
    #: The admin session cookie's Secure flag: True always, False never, None (unset) whenever the
    #: request came over HTTPS (directly or through a proxy that says so).
    session_https_only: bool | None = None
    sqlite_busy_timeout_ms: int = 5000
    staff_token_hours: int = 12
    customer_token_days: int = 30
    graphql_max_page_size: int = 200
    #: Largest /graphql request body accepted (bytes); bigger ones get HTTP 413 before parsing.
    graphql_max_body_bytes: int = 100_000
    #: Web origins (comma-separated, e.g. "https://reserve.example.jp,https://staff.example.jp") whose
    #: pages may call /graphql from the browser: the LINE reservation site and the staff app.
    cors_origins: str = ""
    #: Failed logins are slowed down, never locking the owner out (services.login_throttle):
    #: failures allowed for one login ID (and for one ID from one address) before delays start,
    login_free_failures_per_id: int = 5
    #: … for one client address, whatever IDs it tries,
    login_free_failures_per_address: int = 20
    #: the first delay, doubling with each further failure up to the longest,
    login_delay_seconds: int = 60
    login_max_delay_minutes: int = 15
    #: how long a counter remembers its failures after the last one,
    login_failure_memory_minutes: int = 60
    #: and how long an address where an ID logged in stays exempt from that ID's counter.
    login_familiar_days: int = 30
    #: How long a worker trusts what it last read about a bearer token (services/token_cache.py).
    token_cache_seconds: float = 5.0
    #: uvicorn worker processes on PostgreSQL (0: one per CPU core). SQLite always has one.
    web_concurrency: int = 0
    #: One log line per request; off by default (it costs every request some CPU).
    access_log: bool = False
    debug: bool = False
    #: Customer import (SPEC §10): bounds on untrusted uploads, checked before any parsing.
    import_max_bytes: int = 10_000_000
    import_max_rows: int = 100_000
    import_max_cell_chars: int = 1_000
    #: Sum of the declared uncompressed sizes of an .xlsx's members, and the largest ratio one
    #: member may inflate by (a zip bomb declares gigabytes, or packs 1 GB of zeros into 1 MB).
    import_max_unzipped_bytes: int = 250_000_000
    import_max_zip_ratio: int = 150
    #: openpyxl reads the shared strings eagerly even in read-only mode: bounded separately.
    import_max_shared_strings_bytes: int = 60_000_000
    import_chunk_rows: int = 1_000
    #: 画像カルテ: bounds on an uploaded JPEG, checked before it is decoded (a decompression bomb
    #: declares a huge picture in a small file), and how many one customer keeps.
    karte_image_max_bytes: int = 8_000_000
    karte_image_max_pixels: int = 40_000_000
    karte_image_max_count: int = 3


    @property
    def secret_key_path(self) -> Path:
        """Where the generated key lives: SECRET_KEY_FILE, else beside the SQLite file, else the repo."""
        if self.secret_key_file:
            return Path(self.secret_key_file)
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent / SECRET_KEY_FILE_NAME
        return ROOT / SECRET_KEY_FILE_NAME

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()


def session_secret(settings: Settings) -> str:
    """The key that signs admin sessions: SECRET_KEY, or the generated one kept on disk.

    A published or short SECRET_KEY is refused (``InsecureSecretKey``) rather than used: anyone
    who knows the key can sign a manager's session.
    """
    key = settings.secret_key.strip()
    if key:
        if key in PUBLISHED_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise InsecureSecretKey(
                f"SECRET_KEY is a published value or shorter than {MIN_SECRET_KEY_LENGTH} characters: set a "
                "random secret (python -c 'import secrets; print(secrets.token_urlsafe(48))') or leave it "
                "unset to have one generated."
            )
        return key
    return _key_from_file(settings.secret_key_path)


def _key_from_file(path: Path) -> str:
    """Read the key file, creating it (mode 600, exclusively: several workers may start at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    os.chmod(path, 0o600)
    for _ in range(50):  # another worker may have created it a moment ago and not written it yet
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.02)
    raise InsecureSecretKey(f"the secret key file {path} is empty: delete it to have a new key generated")
