"""Settings from the environment (and an optional ``.env`` file), via pydantic-settings.

Our own settings use the prefix ``EC_`` (``EC_SEED``, ``EC_REVIEW_MODE`` …).
Platform variables keep the names their vendors document: ``OPENAI_API_KEY``,
``OPENAI_BASE_URL``, ``AZURE_OPENAI_*``, ``SLACK_*``. Secrets are
:class:`pydantic.SecretStr`, so they never print in a repr, a log or an error.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PERSONA_MODEL = "gpt-4.1-mini"
"""Default caregiver model: a current small chat model (the one place it is named)."""

DEFAULT_REVIEW_MODEL = "gpt-4.1-mini"
"""Default reviewer model (structured outputs); the one place it is named."""


def _default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("empathy-coach", appauthor=False))
    return f"sqlite:///{data_dir / 'empathy-coach.db'}"


class Settings(BaseSettings):
    """All settings of the app. Read once per process with :func:`get_settings`.

    Attributes (environment variable in brackets):
        openai_api_key [OPENAI_API_KEY]: key for the OpenAI-compatible endpoint.
        openai_base_url [OPENAI_BASE_URL]: base URL (Azure, a district gateway,
            Ollama, vLLM); None means the OpenAI default.
        azure_openai_endpoint / azure_openai_api_version / azure_openai_deployment
            [AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_VERSION, AZURE_OPENAI_DEPLOYMENT]:
            when the endpoint is set, the Azure OpenAI client is used.
        persona_model [EC_PERSONA_MODEL], review_model [EC_REVIEW_MODEL]: model names.
        request_timeout [EC_REQUEST_TIMEOUT]: seconds per model request (30).
        max_retries [EC_MAX_RETRIES]: retries per model request after the first try (2).
        max_prompt_tokens [EC_MAX_PROMPT_TOKENS]: prompt budget in tokens (3000).
        review_mode [EC_REVIEW_MODE]: ``rules`` | ``hybrid`` | ``model``.
        check_principles [EC_CHECK_PRINCIPLES]: run the persona-principle check.
        seed [EC_SEED]: seed of the offline caregiver's wording; unset means a new
            random seed per session (so practice does not repeat word for word).
        price_input_per_1m / price_output_per_1m [EC_PRICE_INPUT_PER_1M,
            EC_PRICE_OUTPUT_PER_1M]: US dollars per 1M prompt / completion
            tokens for cost estimates; None uses the approximate list prices in
            :data:`bot.llm.tokens.PRICES_PER_1M`.
        model_budget [EC_MODEL_BUDGET]: seconds one turn may wait for the model in
            all (review, reply, retries); past it the offline partner answers (20).
        database_url [EC_DATABASE_URL]: SQLAlchemy URL; default a SQLite file
            in the user's data directory.
        db_pool_size / db_max_overflow / db_pool_timeout [EC_DB_POOL_SIZE,
            EC_DB_MAX_OVERFLOW, EC_DB_POOL_TIMEOUT]: PostgreSQL connections per
            process (10 + 20 more under load) and seconds to wait for one (30).
        turn_concurrency [EC_TURN_CONCURRENCY]: turns answered at once per process;
            more wait in order, their messages claimed durably (32).
        claim_lease [EC_CLAIM_LEASE]: seconds a claimed message or debrief is held
            without renewal; a dead holder's work is redone after it (30).
        turn_lease [EC_TURN_LEASE]: seconds a session is held by a turn without
            renewal; a dead holder frees it after it (30).
        recovery_interval [EC_RECOVERY_INTERVAL]: seconds between looks for work
            whose holder died (5).
        event_retention_hours [EC_EVENT_RETENTION_HOURS]: hours a handled platform
            event's key is kept to recognize Slack's retries (they come within
            minutes); older handled keys are deleted by the recovery loop (48).
        slack_bot_token [SLACK_BOT_TOKEN]: the bot token (``xoxb-…``).
        slack_app_token [SLACK_APP_TOKEN]: the app-level token (``xapp-…``)
            for Socket Mode.
        slack_signing_secret [SLACK_SIGNING_SECRET]: verifies HTTP requests
            from Slack (HTTP mode).
        slack_api_url [SLACK_API_URL]: base URL of the Slack Web API (default
            ``https://slack.com/api/``); tests point it at a local fake.
        slack_client_id / slack_client_secret [SLACK_CLIENT_ID, SLACK_CLIENT_SECRET]:
            the Slack app's OAuth credentials; setting either turns on many-workspace
            mode (OAuth install, tokens in the database) instead of ``SLACK_BOT_TOKEN``.
        slack_redirect_uri [SLACK_REDIRECT_URI]: the OAuth redirect URL
            (``https://<host>/slack/oauth_redirect``); None lets Slack use the one in
            the app's settings.
        slack_oauth_authorize_url [SLACK_OAUTH_AUTHORIZE_URL]: where the install page
            sends the browser (Slack's ``https://slack.com/oauth/v2/authorize``).
        token_keys [EC_TOKEN_KEYS]: comma-separated Fernet keys that encrypt the
            stored Slack tokens; the first encrypts, all decrypt (rotation).
        teams_client_id / teams_client_secret / teams_tenant_id [CLIENT_ID,
            CLIENT_SECRET, TENANT_ID]: the Teams bot's Azure app registration, by the
            Teams SDK's own names (the app id is also the package's bot id).
        teams_allow_unauthenticated [DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS]:
            accept Teams requests without a Bot Framework token; local development
            only, never on by default (the Teams SDK's own name).
        teams_website_url / teams_privacy_url / teams_terms_url [EC_TEAMS_WEBSITE_URL,
            EC_TEAMS_PRIVACY_URL, EC_TEAMS_TERMS_URL]: the district's https pages about
            the app, its privacy statement and its terms of use, written into the Teams
            app package (the manifest's developer links, which Teams shows to everyone
            who installs it); ``teams package`` refuses without them unless
            ``--allow-placeholder-links``.
        retention_days [EC_RETENTION_DAYS]: delete practice data (sessions, their
            turns, coach requests, note disagreements and every other row hanging off
            a session) whose last activity is older than this many days, plus the
            processed-event keys older than that; ``serve`` runs it at start-up and
            daily, ``empathy-coach retention run`` once. Unset or 0 keeps everything.
            Real-interview logs are not touched (see :mod:`bot.services.data_rights`).
        migrate_on_start [EC_MIGRATE_ON_START]: ``serve`` applies pending migrations
            before serving (true: one school; PostgreSQL serializes concurrent starts with
            an advisory lock). False (a district's replicas): ``serve`` only checks the
            database is at the head and stops with a plain line if not; a one-shot
            ``empathy-coach db upgrade`` migrates.
        coach_user_ids [EC_COACH_USER_IDS]: comma-separated platform user ids of
            the first coaches: a workspace that never had a coach gets these once
            (read them as :attr:`coach_ids`).
    """

    model_config = SettingsConfigDict(
        env_prefix="EC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "EC_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "EC_OPENAI_BASE_URL")
    )
    azure_openai_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("AZURE_OPENAI_ENDPOINT")
    )
    azure_openai_api_version: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AZURE_OPENAI_API_VERSION", "OPENAI_API_VERSION"),
    )
    azure_openai_deployment: str | None = Field(
        default=None, validation_alias=AliasChoices("AZURE_OPENAI_DEPLOYMENT")
    )
    persona_model: str = DEFAULT_PERSONA_MODEL
    review_model: str = DEFAULT_REVIEW_MODEL
    request_timeout: float = Field(default=30.0, gt=0, le=600)
    max_retries: int = Field(default=2, ge=0, le=10)
    max_prompt_tokens: int = Field(default=3000, ge=500, le=200_000)
    review_mode: Literal["rules", "hybrid", "model"] = "hybrid"
    check_principles: bool = True
    seed: int | None = None
    price_input_per_1m: float | None = Field(default=None, ge=0)
    price_output_per_1m: float | None = Field(default=None, ge=0)
    model_budget: float = Field(default=20.0, gt=0, le=600)
    database_url: str = Field(default_factory=_default_database_url)
    db_pool_size: int = Field(default=10, ge=1, le=500)
    db_max_overflow: int = Field(default=20, ge=0, le=500)
    db_pool_timeout: float = Field(default=30.0, gt=0, le=600)
    turn_concurrency: int = Field(default=32, ge=1, le=10_000)
    claim_lease: float = Field(default=30.0, ge=0.3, le=3600)
    turn_lease: float = Field(default=30.0, ge=0.3, le=3600)
    recovery_interval: float = Field(default=5.0, ge=0.05, le=3600)
    event_retention_hours: float = Field(default=48.0, ge=1, le=24 * 365)
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", validation_alias=AliasChoices("SLACK_API_URL")
    )
    slack_client_id: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_CLIENT_ID")
    )
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_CLIENT_SECRET")
    )
    slack_redirect_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_REDIRECT_URI")
    )
    slack_oauth_authorize_url: str = Field(
        default="https://slack.com/oauth/v2/authorize",
        validation_alias=AliasChoices("SLACK_OAUTH_AUTHORIZE_URL"),
    )
    token_keys: SecretStr | None = None

    @property
    def slack_multi_workspace(self) -> bool:
        """True when ``SLACK_CLIENT_ID`` or ``SLACK_CLIENT_SECRET`` is set (OAuth mode)."""
        secret = self.slack_client_secret
        return bool((self.slack_client_id or "").strip()) or bool(
            secret is not None and secret.get_secret_value().strip()
        )

    teams_client_id: str | None = Field(default=None, validation_alias=AliasChoices("CLIENT_ID"))
    teams_client_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CLIENT_SECRET")
    )
    teams_tenant_id: str | None = Field(default=None, validation_alias=AliasChoices("TENANT_ID"))
    teams_allow_unauthenticated: bool = Field(
        default=False, validation_alias=AliasChoices("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS")
    )
    teams_website_url: str | None = Field(default=None, max_length=2048)
    teams_privacy_url: str | None = Field(default=None, max_length=2048)
    teams_terms_url: str | None = Field(default=None, max_length=2048)

    @property
    def teams_configured(self) -> bool:
        """True when any of ``CLIENT_ID``, ``CLIENT_SECRET``, ``TENANT_ID`` is set (Teams is
        meant to run; a missing one is then an error, :func:`bot.teams.settings.check_settings`)."""
        secret = self.teams_client_secret
        return bool(
            (self.teams_client_id or "").strip()
            or (self.teams_tenant_id or "").strip()
            or (secret is not None and secret.get_secret_value().strip())
        )

    log_bodies: bool = False
    migrate_on_start: bool = True
    retention_days: int | None = Field(default=None, ge=0, le=36_500)

    @field_validator("retention_days", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # EC_RETENTION_DAYS= (empty) means "not set", like leaving it out
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def retention_enabled(self) -> bool:
        """True when ``EC_RETENTION_DAYS`` is set to a positive number of days."""
        return bool(self.retention_days)

    coach_user_ids: str = Field(default="", max_length=10_000)

    @property
    def coach_ids(self) -> tuple[str, ...]:
        """:attr:`coach_user_ids` split at commas (blanks and repeats dropped)."""
        parts = (p.strip() for p in self.coach_user_ids.split(","))
        return tuple(dict.fromkeys(p for p in parts if p))

    @property
    def model_configured(self) -> bool:
        """True when a key (OpenAI or Azure) is set, so the model backend is the default."""
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment.

    Raises:
        pydantic.ValidationError: when a variable has an invalid value (for
            example ``EC_REVIEW_MODE=fast``); the CLI turns it into a plain message.
    """
    return Settings()


def describe_settings_error(exc: ValidationError) -> str:
    """Turn a settings :class:`ValidationError` into one plain line naming the variables.

    Args:
        exc: raised by :class:`Settings` for invalid environment values.

    Returns:
        e.g. ``"EC_REVIEW_MODE is invalid: Input should be 'rules', 'hybrid' or 'model'"``;
        several problems are joined with ``"; "``. Values are never echoed (they may be
        secrets).
    """
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = field.upper()
        if name.startswith("TEAMS_"):
            name = {
                "TEAMS_ALLOW_UNAUTHENTICATED": "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS",
                "TEAMS_WEBSITE_URL": "EC_TEAMS_WEBSITE_URL",
                "TEAMS_PRIVACY_URL": "EC_TEAMS_PRIVACY_URL",
                "TEAMS_TERMS_URL": "EC_TEAMS_TERMS_URL",
            }.get(name, name.removeprefix("TEAMS_"))
        elif not name.startswith(
            ("OPENAI_", "AZURE_", "SLACK_", "EC_", "CLIENT_", "TENANT_", "DANGEROUSLY_")
        ):
            name = f"EC_{name}"
        parts.append(f"{name} is invalid: {error['msg']}")
    return "; ".join(parts) or "a setting is invalid"
