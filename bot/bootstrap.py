"""The one composition root: settings, store, model backends and services, wired once.

Every entry point builds what it needs here and nowhere else: the terminal
(``empathy-coach practice`` / ``review``), the Slack server, the reminders
worker and (next) Teams. Services never read settings or the environment
themselves; they get what they need injected from here.

Nothing here imports a platform: platforms import this module.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.config import Settings, describe_settings_error, get_settings
from bot.core.models import Review
from bot.core.persona import Persona
from bot.llm.errors import ModelNotConfigured, ModelUnavailable
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all
from bot.presenters.practice import offline_partner_note
from bot.services.practice import PracticeService
from bot.services.review import ReviewMode, areview_lines

if TYPE_CHECKING:
    from bot.llm.factory import ModelBackend
    from bot.services.coaching import Coaching
    from bot.services.data_rights import DataRights
    from bot.services.reflection import ReflectionService
    from bot.services.sessions import PracticeSessions, ServiceFactory
    from bot.store import Store

__all__ = [
    "QUIET_LOGGERS",
    "Application",
    "SettingsProblem",
    "build_application",
    "configure_logging",
    "load_settings",
    "model_reviews",
    "start_practice",
]

log = logging.getLogger(__name__)


QUIET_LOGGERS: tuple[str, ...] = (
    "aiosqlite",
    "sqlalchemy",
    "slack_sdk",
    "slack_bolt",
    "bot.slack.bolt",
    "openai",
    "httpx",
    "httpcore",
    "aiohttp",
    "urllib3",
    "websockets",
    "presidio-analyzer",
    "alembic",
)
"""Third-party loggers whose DEBUG output carries request bodies or SQL parameters (staff
text, notes): they stay at INFO when the app logs at DEBUG, unless ``EC_LOG_BODIES=true``."""


def configure_logging(level: str, *, log_bodies: bool = False) -> bool:
    """Set up process logging for a server or worker (stderr, one line per record).

    Args:
        level: ``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR`` (case-insensitive).
        log_bodies: let the libraries in :data:`QUIET_LOGGERS` log at ``level`` too
            (request bodies, SQL parameters); off by default, and said at start-up.

    Returns:
        True when library body logging is on.
    """
    numeric = getattr(logging, level.upper(), logging.INFO)
    logging.basicConfig(level=numeric, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(numeric)  # also when handlers were already set up
    for name in QUIET_LOGGERS:
        # SQLAlchemy, aiosqlite and Alembic say nothing useful below WARNING
        least = logging.WARNING if name in ("sqlalchemy", "aiosqlite", "alembic") else logging.INFO
        logging.getLogger(name).setLevel(numeric if log_bodies else max(numeric, least))
    if log_bodies and numeric <= logging.DEBUG:
        log.warning(
            "EC_LOG_BODIES is on: library debug logs may contain message text and SQL "
            "parameters; turn it off outside a short debugging session"
        )
    return log_bodies


class SettingsProblem(ValueError):
    """A setting is invalid; the message names the variable (never a secret)."""


def load_settings() -> Settings:
    """Read the settings from the environment and ``.env``.

    Returns:
        The settings.

    Raises:
        SettingsProblem: a variable is invalid (the message names it).
    """
    try:
        return get_settings()
    except ValidationError as exc:
        raise SettingsProblem(describe_settings_error(exc)) from None


async def start_practice(
    persona: Persona,
    *,
    backend: str | None = None,
    settings: Settings | None = None,
    seed: int | None = None,
    review_mode: ReviewMode | None = None,
    check_key: bool = True,
) -> PracticeService:
    """Start a terminal practice session on the backend the flags and settings ask for.

    Args:
        persona: the caregiver card.
        backend: ``"scripted"``, ``"openai"`` or None (model when a key is
            configured, else scripted: :func:`bot.llm.factory.choose_backend`).
        settings: app settings; :func:`load_settings` when None.
        seed: session seed; ``EC_SEED`` when None, else random.
        review_mode: ``rules`` | ``hybrid`` | ``model``; ``EC_REVIEW_MODE`` when
            None. Always ``rules`` on the scripted backend.
        check_key: for the model backend, make the one start-up key check.

    Returns:
        A :class:`~bot.services.practice.PracticeService`; close it with ``aclose``.

    Raises:
        bot.llm.errors.ModelNotConfigured: model asked for but not configured.
        bot.llm.errors.ModelKeyRejected: "OPENAI_API_KEY was rejected: …".
        bot.llm.errors.ModelUnavailable: the endpoint is unreachable at start-up and
            ``backend`` was "openai"; with ``backend=None`` the session falls back to the
            offline partner instead and says so in ``startup_note``.
    """
    settings = settings or load_settings()
    seed = settings.seed if seed is None else seed
    if seed is None:
        seed = secrets.randbelow(2**31)  # fresh wording each session unless a seed is given
    scripted = ScriptedResponder()
    if backend == "scripted" or (backend is None and not settings.model_configured):
        # choose_backend's own rule, decided before bot.llm.factory is loaded: the offline
        # partner never loads the model client (tests/test_architecture.py checks it)
        return PracticeService(persona, responder=scripted, seed=seed)
    # lazy: bot.llm.factory loads openai and httpx (about 2 s), which the offline path never needs
    from bot.llm.factory import choose_backend, connect

    choose_backend(backend, settings)  # an unknown name, or openai without a key, is refused
    try:
        model = await connect(settings, check_key=check_key)
    except ModelUnavailable as exc:
        if backend is not None:
            raise  # the model was asked for by name: say so rather than switch quietly
        log.warning("model unreachable at start-up; using the offline partner: %s", exc.reason)
        service = PracticeService(persona, responder=scripted, seed=seed)
        service.startup_note = offline_partner_note(exc.reason)
        return service
    mode: ReviewMode = settings.review_mode if review_mode is None else review_mode
    service = PracticeService(
        persona,
        responder=model.responder,
        fallback=scripted,
        model_reviewer=model.reviewer if mode != "rules" else None,
        review_mode=mode,
        seed=seed,
    )
    service.add_closer(model.aclose)
    return service


async def model_reviews(lines: list[str], settings: Settings) -> list[Review]:
    """Review lines with the rules plus the configured model (``review --llm``).

    Args:
        lines: one utterance each.
        settings: app settings with a model configured.

    Returns:
        One review per line, in order.

    Raises:
        bot.llm.errors.ModelNotConfigured: no key is set.
        bot.llm.errors.ModelError: the model failed (key rejected, unreachable).
    """
    # lazy: bot.llm.factory loads openai and httpx, which the offline `practice` never needs
    from bot.llm.factory import connect

    if not settings.model_configured:
        raise ModelNotConfigured(
            "--llm needs OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI's)"
        )
    mode: ReviewMode = "model" if settings.review_mode == "model" else "hybrid"
    backend = await connect(settings)
    try:
        return [r async for r in areview_lines(lines, model_reviewer=backend.reviewer, mode=mode)]
    finally:
        await backend.aclose()


@dataclass
class Application:
    """The platform-neutral application a server runs (close it with :meth:`aclose`).

    Attributes:
        settings: the settings everything was built from.
        store: the database.
        personas: persona id -> card, loaded once.
        sessions: practice sessions (engine state persisted in ``store``).
        reflections: after-interview use cases.
        data_rights: export, retention and "delete my data".
        coaching: the coach use cases (roles, queue, transcripts, feedback), seeded
            with ``EC_COACH_USER_IDS``; give it to ``PracticeChat(coaching=...)``.
        model: the shared model backend, or None (offline partner, rules review).
        review_mode: the review mode question lists use (``rules`` without a model).
        clock: the current UTC time (tests inject one).
    """

    settings: Settings
    store: Store
    personas: Mapping[str, Persona]
    sessions: PracticeSessions
    reflections: ReflectionService
    data_rights: DataRights
    coaching: Coaching
    model: ModelBackend | None
    review_mode: ReviewMode
    clock: Callable[[], datetime]
    _closers: list[Callable[[], Any]] = field(default_factory=list)

    async def aclose(self) -> None:
        """Close the sessions, the model client and the database (in that order)."""
        await self.sessions.aclose()
        for closer in reversed(self._closers):
            await closer()
        self._closers.clear()
        await self.store.dispose()


async def build_application(
    settings: Settings,
    *,
    backend: str | None = None,
    service_factory: ServiceFactory | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Application:
    """Open the store and build the services a server needs (no network call).

    Args:
        settings: app settings (database URL, model).
        backend: ``scripted`` | ``openai`` | None (model when a key is set).
        service_factory: override the practice service factory (tests).
        clock: the current UTC time; None is the system clock.

    Returns:
        The :class:`Application`.

    Raises:
        bot.llm.errors.ModelNotConfigured: ``backend="openai"`` without a key.
    """
    # lazy: the offline `practice` imports this module and must not load openai or sqlalchemy
    from bot.llm.factory import choose_backend, connect
    from bot.services.coaching import Coaching
    from bot.services.data_rights import DataRights
    from bot.services.reflection import ReflectionService
    from bot.services.sessions import ModelServiceFactory, PracticeSessions
    from bot.store import Store

    store = Store.from_url(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
    )
    closers: list[Callable[[], Any]] = []
    model = None
    try:
        if service_factory is None:
            if choose_backend(backend, settings) != "scripted":
                model = await connect(settings, check_key=False)
                closers.append(model.aclose)
            service_factory = ModelServiceFactory(settings, backend=backend, model=model)
    except BaseException:
        await store.dispose()
        raise
    # leases use the system clock (not the injected one tests move by days)
    sessions = PracticeSessions(store, service_factory=service_factory, settings=settings)
    now = clock or (lambda: datetime.now(UTC))
    return Application(
        settings=settings,
        store=store,
        personas=load_all(),
        sessions=sessions,
        reflections=ReflectionService(store, clock=now),
        data_rights=DataRights(store, clock=now),
        coaching=Coaching(store, clock=now, seed_coaches=settings.coach_ids),
        model=model,
        review_mode=settings.review_mode if model is not None else "rules",
        clock=now,
        _closers=closers,
    )
