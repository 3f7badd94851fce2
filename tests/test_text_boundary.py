"""The text boundary at every platform's door (issue 10, finding 3 and part of 4).

A NUL must never reach PostgreSQL, a lone surrogate never a model request, and a
right-to-left override or zero-width character never a team post. When the model
request fails for any reason, the offline partner answers (never silence).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import respx
from practice_kit import make_persona
from test_llm_practice_service import BASE, make_service, settings

from bot.core.text import clean_label, sanitize
from bot.services.practice import FALLBACK_NOTE
from bot.slack.text import from_slack


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("tell me\x00 more", "tell me more"),
        ("\ud800 tell me more", " tell me more"),
        ("bell\x07 and\x1b[31m escape", "bell and[31m escape"),
        ("line one\nline two\ttab", "line one\nline two\ttab"),  # ordinary whitespace stays
        ("non-char \ufffe\uffff\ufdd0 gone", "non-char  gone"),
        ("¿Qué tal? 👋 café", "¿Qué tal? 👋 café"),  # printable text untouched
    ],
)
def test_sanitize_removes_only_what_no_message_should_carry(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean
    sanitize(raw).encode("utf-8")  # always encodable


def test_slack_text_is_sanitized_at_the_door() -> None:
    assert from_slack("tell\x00 me &amp; \ud800more") == "tell me & more"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ms.\u202e R", "Ms. R"),  # a right-to-left override
        ("J\u200b\u200dK", "JK"),  # zero-width space and joiner
        ("  A.\u2066 B \u2069 ", "A. B"),  # isolates, and spaces trimmed
        ("Ms. R", "Ms. R"),
    ],
)
def test_labels_lose_invisible_and_bidi_characters(raw: str, clean: str) -> None:
    assert clean_label(raw) == clean


@respx.mock(base_url=BASE)
def test_any_failure_building_a_model_request_falls_back(respx_mock: respx.MockRouter) -> None:
    """A responder that raises something other than a ModelError still gets the fallback."""

    def explode(request: httpx.Request) -> httpx.Response:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    respx_mock.post("/chat/completions").mock(side_effect=explode)
    service = make_service(settings(max_retries=0), persona=make_persona())
    turn = asyncio.run(service.take_turn("Tell me about a typical morning."))
    assert turn.caregiver and turn.note == FALLBACK_NOTE


def test_a_pseudonym_with_an_override_is_stored_clean(tmp_path: Path) -> None:
    """Issue 10 finding 4: a right-to-left override and zero-width characters never reach a
    team post through the pseudonym."""
    from datetime import UTC, datetime

    from bot.services.reflection import ReflectionService
    from bot.store import Store, upgrade_to_head

    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade_to_head(url)

    async def main() -> str:
        store = Store.from_url(url)
        try:
            service = ReflectionService(store, clock=lambda: datetime(2026, 11, 2, 15, tzinfo=UTC))
            info = await service.log_interview(
                "W1",
                "U1",
                pseudonym="Ms.\u202e R\u200b",
                grade_band="K-2",
                mode="phone",
                interviewer_tz="America/Chicago",
            )
            return info.caregiver_pseudonym
        finally:
            await store.dispose()

    assert asyncio.run(main()) == "Ms. R"


@pytest.mark.parametrize("alias", ["Maria Lopez", "MARIA LOPEZ", "maria lopez", "Jordan Smith"])
def test_a_real_looking_full_name_as_pseudonym_is_refused(alias: str) -> None:
    """A first and a last name typed as the pseudonym would be posted to the team as is."""
    from bot.services.interview_input import InvalidInput, check_pseudonym

    with pytest.raises(InvalidInput, match="real first and last name"):
        check_pseudonym(alias)


@pytest.mark.parametrize("alias", ["Grandma R.", "Rosa", "Ms. Rivera", "Caregiver A", "A.B."])
def test_initials_and_made_up_first_names_are_fine_pseudonyms(alias: str) -> None:
    from bot.services.interview_input import check_pseudonym

    assert check_pseudonym(alias) == alias


def test_a_coach_note_keeps_no_part_of_a_full_name() -> None:
    from bot.privacy import scrub

    text = "Try a reflection here. Jordan Smith, 503-555-0199, 44 Elm Street, Portland"
    assert scrub(text).text == "Try a reflection here. [NAME], [PHONE], [ADDRESS]"
