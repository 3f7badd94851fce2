"""Many workspaces: OAuth installations, their tokens encrypted at rest, and one token lookup.

One deployment serves every school of a district when ``SLACK_CLIENT_ID`` and
``SLACK_CLIENT_SECRET`` are set: each workspace installs the app through Bolt's OAuth
flow (``/slack/install`` -> Slack -> ``/slack/oauth_redirect`` -> ``oauth.v2.access``)
and its bot token is saved by slack_sdk's :class:`AsyncSQLAlchemyInstallationStore` in
the app's own database (tables ``slack_installations``, ``slack_bots`` and
``slack_oauth_states``, created by migration 0008, never by the library).

* **Encryption at rest.** :class:`EncryptedInstallationStore` wraps the library's store:
  bot, user and refresh tokens are encrypted with :class:`TokenCipher` (``cryptography``'s
  :class:`~cryptography.fernet.MultiFernet` over ``EC_TOKEN_KEYS``: the first key
  encrypts, every key decrypts) before a row is written, and decrypted after one is read.
  :func:`rotate_tokens` (``empathy-coach db rotate-keys``) re-encrypts every stored token
  with the first key, so an old key can then be dropped.
* **One token lookup.** :class:`WorkspaceClients` answers "which Web API client speaks for
  team T?" for every path that is not a listener (the recovery loop, the reminder
  deliverer): :class:`SingleWorkspace` hands out the one ``SLACK_BOT_TOKEN`` client (one
  school; unchanged), :class:`ManyWorkspaces` looks the team's bot up in the store and
  answers None for a team that is not installed. Listeners get the same token from Bolt's
  context through :class:`StoreAuthorize`, which reads the same store (no ``auth.test``
  per request: the ids come from the saved installation).
* **Uninstall.** ``app_uninstalled`` deletes the workspace's installations and bots;
  ``tokens_revoked`` deletes the revoked users' installations, and for a revoked bot
  token every installation and bot of the team (see :func:`register_revocation`).

Nothing here logs a token; team ids and counts only.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackClientError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "BOT_SCOPES",
    "INSTALL_PATH",
    "REDIRECT_PATH",
    "EncryptedInstallationStore",
    "ManyWorkspaces",
    "NotInstalled",
    "RotationReport",
    "SingleWorkspace",
    "StoreAuthorize",
    "TokenCipher",
    "TokenKeyError",
    "WorkspaceClients",
    "register_revocation",
    "rotate_tokens",
]

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
"""The install page (Bolt's "Add to Slack" link with a fresh OAuth state)."""

REDIRECT_PATH = "/slack/oauth_redirect"
"""Where Slack sends the browser back (the Redirect URL in *OAuth & Permissions*)."""

BOT_SCOPES: tuple[str, ...] = (
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "im:write",
    "users:read",
)
"""The bot scopes the install asks for: exactly ``manifest.yml``'s ``oauth_config.scopes.bot``
(a test keeps them equal)."""

TOKEN_FIELDS: tuple[str, ...] = (
    "bot_token",
    "bot_refresh_token",
    "user_token",
    "user_refresh_token",
)
"""The secret columns of ``slack_installations`` (``slack_bots`` has the two ``bot_`` ones)."""

NOT_INSTALLED_MESSAGE = (
    "Empathy Coach is not installed in this workspace (or was removed). "
    "Ask a workspace admin to install it again."
)
"""What Bolt answers a slash command or button from a workspace with no installation."""


class TokenKeyError(ValueError):
    """``EC_TOKEN_KEYS`` is missing or holds a value that is not a Fernet key."""


class NotInstalled(SlackClientError):
    """A Web API call for a team that has no installation (nothing was sent)."""


class TokenCipher:
    """Encrypts and decrypts stored tokens with ``EC_TOKEN_KEYS`` (``cryptography`` MultiFernet).

    Args:
        keys: Fernet keys (32 url-safe base64-encoded bytes each), newest first: the
            first encrypts, all decrypt.

    Raises:
        TokenKeyError: no key, or one that is not a Fernet key (the message gives its
            position, never its value).
    """

    def __init__(self, keys: Sequence[str]) -> None:
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError):
                raise TokenKeyError(
                    f"EC_TOKEN_KEYS: key {position} is not a Fernet key (make one with "
                    '`python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"`)'
                ) from None
        if not fernets:
            raise TokenKeyError("EC_TOKEN_KEYS is not set (comma-separated Fernet keys)")
        self._multi = MultiFernet(fernets)

    @classmethod
    def from_setting(cls, value: str | None) -> TokenCipher:
        """Build from the raw ``EC_TOKEN_KEYS`` value (comma-separated; blanks ignored).

        Raises:
            TokenKeyError: see the class.
        """
        return cls([part for part in (value or "").split(",") if part.strip()])

    def encrypt(self, token: str | None) -> str | None:
        """The Fernet token (ASCII text) for ``token`` with the first key; None stays None."""
        if token is None:
            return None
        return self._multi.encrypt(token.encode()).decode("ascii")

    def decrypt(self, stored: str | None) -> str | None:
        """The token saved as ``stored``; None stays None.

        Raises:
            cryptography.fernet.InvalidToken: no key opens it (a plaintext row, or keys
                that were dropped before a rotation).
        """
        if stored is None:
            return None
        return self._multi.decrypt(stored.encode()).decode()

    def rotate(self, stored: str) -> str:
        """``stored`` re-encrypted with the first key (MultiFernet.rotate).

        Raises:
            cryptography.fernet.InvalidToken: no key opens it.
        """
        return self._multi.rotate(stored.encode()).decode("ascii")


def _sealed(entity: Any, fields: Sequence[str], cipher: TokenCipher, *, encrypt: bool) -> Any:
    """A shallow copy of an Installation or Bot with its token fields (en|de)crypted."""
    out = copy.copy(entity)
    for name in fields:
        if hasattr(out, name):
            value = getattr(out, name)
            setattr(out, name, cipher.encrypt(value) if encrypt else cipher.decrypt(value))
    return out


_BOT_FIELDS = ("bot_token", "bot_refresh_token")


class EncryptedInstallationStore(AsyncInstallationStore):
    """slack_sdk's SQLAlchemy installation store with every token encrypted at rest.

    Args:
        client_id: ``SLACK_CLIENT_ID`` (rows are kept per client id, as the library does).
        engine: the app's async engine (the tables come from migration 0008).
        cipher: encrypts before saving and decrypts after finding.
    """

    def __init__(self, client_id: str, engine: AsyncEngine, cipher: TokenCipher) -> None:
        self.inner = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)
        self.cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        """The library store's logger."""
        return self.inner.logger

    async def async_save(self, installation: Installation) -> None:
        """Save an installation (and its bot) with the tokens encrypted."""
        await self.inner.async_save(_sealed(installation, TOKEN_FIELDS, self.cipher, encrypt=True))

    async def async_save_bot(self, bot: Bot) -> None:
        """Save a bot with its tokens encrypted."""
        await self.inner.async_save_bot(_sealed(bot, _BOT_FIELDS, self.cipher, encrypt=True))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The newest bot of the team with its tokens decrypted, or None."""
        bot = await self.inner.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if bot is None else _sealed(bot, _BOT_FIELDS, self.cipher, encrypt=False)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The newest installation (of ``user_id`` when given) with its tokens decrypted."""
        found = await self.inner.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if found is None:
            return None
        return _sealed(found, TOKEN_FIELDS, self.cipher, encrypt=False)

    async def find_bot_of_team(self, team_id: str) -> Bot | None:
        """The newest bot installed for ``team_id`` in any organization (decrypted), or None.

        Stored conversation references carry the team id only, so the background paths
        look a workspace up by it (a Grid workspace's rows also have an enterprise id).
        """
        table = self.inner.bots
        c = table.c
        query = (
            table.select()
            .where(
                c.client_id == self.inner.client_id,
                c.team_id == team_id,
                c.bot_token.is_not(None),
            )
            .order_by(sa.desc(c.installed_at))
            .limit(1)
        )
        async with self.inner.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        bot = SQLAlchemyInstallationStore.build_bot_entity(row)
        return _sealed(bot, _BOT_FIELDS, self.cipher, encrypt=False)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete the team's bot rows."""
        await self.inner.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        """Delete the team's installation rows (of ``user_id`` only, when given)."""
        await self.inner.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class StoreAuthorize(AsyncAuthorize):
    """Bolt's ``authorize`` for many workspaces: the team's bot from the encrypted store.

    Unlike Bolt's default it does not call ``auth.test`` on every request: the bot's
    ids were saved at install time. A team with no bot row gets None, and Bolt answers
    with a quiet 200 (events) or :data:`NOT_INSTALLED_MESSAGE` (commands), posting nothing.

    Args:
        store: the installation store.
    """

    def __init__(self, store: EncryptedInstallationStore) -> None:
        super().__init__()
        self.store = store

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        """The team's bot as an :class:`AuthorizeResult`, or None when it is not installed."""
        bot = await self.store.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=context.is_enterprise_install,
        )
        if bot is None or not bot.bot_token:
            log.warning("a request from team %s, which has no installation, was refused", team_id)
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


class WorkspaceClients(Protocol):
    """The one token lookup: team id -> a Web API client holding that team's bot token."""

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        """The client for ``team_id``, or None when the team is not installed."""
        ...

    def lazy(self, team_id: str) -> AsyncWebClient:
        """A client that finds ``team_id``'s token on its first call (for sync factories).

        Its calls raise :class:`NotInstalled` when the team has no installation.
        """
        ...


class SingleWorkspace:
    """One school: every team id gets the ``SLACK_BOT_TOKEN`` client (the default mode).

    Args:
        client: the app's client.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        """The one client (the single-token mode trusts its one workspace)."""
        return self.client

    def lazy(self, team_id: str) -> AsyncWebClient:
        """The one client."""
        return self.client


def _clone(template: AsyncWebClient, token: str | None) -> AsyncWebClient:
    """A client like ``template`` (base URL, session, timeout, retry handlers) with ``token``."""
    return AsyncWebClient(
        token=token,
        base_url=template.base_url,
        session=template.session,
        timeout=template.timeout,
        retry_handlers=list(template.retry_handlers),
    )


class _TeamClient(AsyncWebClient):
    """An :class:`AsyncWebClient` that fetches its team's token before its first call."""

    def __init__(self, owner: ManyWorkspaces, team_id: str) -> None:
        template = owner.template
        super().__init__(
            token=None,
            base_url=template.base_url,
            session=template.session,
            timeout=template.timeout,
            retry_handlers=list(template.retry_handlers),
        )
        self._owner = owner
        self._team_id = team_id

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        """Resolve the token (once), then call as usual.

        Raises:
            NotInstalled: the team has no installation (nothing is sent).
        """
        if self.token is None:
            bot = await self._owner.store.find_bot_of_team(self._team_id)
            if bot is None or not bot.bot_token:
                raise NotInstalled(f"team {self._team_id} has no installation")
            self.token = bot.bot_token
        return await super().api_call(api_method, **kwargs)


class ManyWorkspaces:
    """Many schools: each team's own bot token from the encrypted installation store.

    No cache: a token revoked or an app uninstalled (by any process) is seen at the next
    lookup, one indexed query.

    Args:
        store: the installation store.
        template: a client with no token whose base URL (``SLACK_API_URL``), aiohttp
            session, timeout and retry handlers every team's client copies (the app's).
    """

    def __init__(self, store: EncryptedInstallationStore, template: AsyncWebClient) -> None:
        self.store = store
        self.template = template

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        """The client for ``team_id`` (its decrypted bot token), or None when not installed."""
        bot = await self.store.find_bot_of_team(team_id)
        if bot is None or not bot.bot_token:
            return None
        return _clone(self.template, bot.bot_token)

    def lazy(self, team_id: str) -> AsyncWebClient:
        """A client that finds ``team_id``'s token on its first call (raises NotInstalled)."""
        return _TeamClient(self, team_id)


def register_revocation(app: AsyncApp, store: EncryptedInstallationStore) -> None:
    """Listen to ``app_uninstalled`` and ``tokens_revoked`` and delete what they end.

    ``app_uninstalled``: every installation and bot of the team. ``tokens_revoked``: the
    installations of the users whose tokens were revoked, and, when the bot token was
    revoked, every installation and bot of the team (an installation without its bot
    cannot serve anyone). Later reminders of the team are skipped by the deliverer.

    Args:
        app: the Bolt app (many-workspace mode).
        store: its installation store.
    """

    async def on_app_uninstalled(context: AsyncBoltContext) -> None:
        await store.async_delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
        log.info("team %s uninstalled the app: its installation was deleted", context.team_id)

    async def on_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens") or {}
        users = [str(u) for u in tokens.get("oauth") or []]
        for user_id in users:
            await store.async_delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )
        if tokens.get("bot"):
            await store.async_delete_all(
                enterprise_id=context.enterprise_id, team_id=context.team_id
            )
        log.info(
            "team %s revoked %d user token(s)%s",
            context.team_id,
            len(users),
            " and the bot token: its installation was deleted" if tokens.get("bot") else "",
        )

    app.event("app_uninstalled")(on_app_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)


@dataclass(frozen=True)
class RotationReport:
    """What :func:`rotate_tokens` did.

    Attributes:
        rows: rows whose tokens were re-encrypted (both tables).
        tokens: token values re-encrypted.
        unreadable: token values no key opened (left as they were).
    """

    rows: int
    tokens: int
    unreadable: int


async def rotate_tokens(engine: AsyncEngine, cipher: TokenCipher) -> RotationReport:
    """Re-encrypt every stored Slack token with the first key of ``cipher``, in one transaction.

    Args:
        engine: the app's async engine (migrated to 0008 or later).
        cipher: from ``EC_TOKEN_KEYS``, the new key first and the old ones after it.

    Returns:
        The counts; values no key opens are counted in ``unreadable`` and left unchanged.
    """
    metadata = sa.MetaData()
    tables = (
        (
            SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
            TOKEN_FIELDS,
        ),
        (SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"), _BOT_FIELDS),
    )
    rows = tokens = unreadable = 0
    async with engine.begin() as conn:
        for table, fields in tables:
            columns = [table.c.id, *(table.c[name] for name in fields)]
            for row in (await conn.execute(sa.select(*columns))).mappings().all():
                changes: dict[str, str] = {}
                for name in fields:
                    value = row[name]
                    if value is None:
                        continue
                    try:
                        changes[name] = cipher.rotate(value)
                    except InvalidToken:
                        unreadable += 1
                if changes:
                    await conn.execute(
                        table.update().where(table.c.id == row["id"]).values(**changes)
                    )
                    rows += 1
                    tokens += len(changes)
    return RotationReport(rows=rows, tokens=tokens, unreadable=unreadable)
