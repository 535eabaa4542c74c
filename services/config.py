"""Process configuration (environment / .env), read once with pydantic-settings.

Store rules that staff change at run time (prepayment, cancellation fee …) are
not here: they live in the ``store_settings`` table.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


#: The shipped SECRET_KEY: fine for `make run` on a laptop, never for a salon (the server warns).
DEV_SECRET_KEY = "dev-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'salon.db'}"
    secret_key: str = DEV_SECRET_KEY
    session_https_only: bool = False
    sqlite_busy_timeout_ms: int = 5000
    staff_token_hours: int = 12
    customer_token_days: int = 30
    graphql_max_page_size: int = 200
    #: Web origins (comma-separated, e.g. "https://reserve.example.jp,https://staff.example.jp") whose
    #: pages may call /graphql from the browser: the LINE reservation site and the staff app.
    cors_origins: str = ""
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    debug: bool = False


    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()
