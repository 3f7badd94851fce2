"""The presenters' command wording: Slack's sentences stay byte for byte (the literal
sentences Slack users saw before issue 12's door round), Teams' quote typed words and
name who can add coaches there (coaches; no admins, no slash commands, no Home tab)."""

from __future__ import annotations

import pytest

from bot.presenters import coach_screens as screens
from bot.presenters import coaching, practice
from bot.presenters.platform_words import SLACK, TEAMS, words_for


def test_slack_sentences_are_unchanged() -> None:
    assert practice.too_long(2345) == (
        "That message is 2,345 characters long; a practice turn takes up to 2,000. Ask one "
        "question at a time (to review a whole question list, use /review-questions)."
    )
    assert coaching.coach_sent(True, 0) == (
        "Saved for a coach, but this workspace has no coach set up yet, so no one has been "
        "told. A workspace admin can add one with /coach add @name. Once one is added, they "
        "will see this session."
    )
    assert screens.coach_list([]) == (
        "No coach is set in this workspace yet. A workspace admin can add one with "
        "/coach add @name."
    )
    assert screens.coach_added("<@U1>", True) == (
        "<@U1> is now a coach in this workspace. I've let them know; sessions sent to a "
        "coach will show on their Home tab."
    )
    assert screens.no_coach_yet() == screens.NO_COACH_YET
    assert screens.unknown_command("zap") == f"I don't know “/coach zap”.\n\n{screens.HELP}"
    assert coaching.not_allowed_to_manage() == coaching.NOT_ALLOWED_TO_MANAGE
    assert practice.already_ended() == practice.ALREADY_ENDED
    assert words_for("slack") is SLACK and words_for("cli") is SLACK


@pytest.mark.parametrize(
    "sentence",
    [
        practice.too_long(2345, TEAMS),
        coaching.coach_sent(True, 0, TEAMS),
        coaching.not_allowed_to_manage(TEAMS),
        screens.coach_list([], TEAMS),
        screens.coach_added("Jordan", True, TEAMS),
        screens.coach_removed("Jordan", True, TEAMS),
        screens.you_were_added("Jordan", 2, TEAMS),
        screens.no_coach_yet(TEAMS),
        screens.unknown_command("zap", TEAMS),
    ],
)
def test_teams_sentences_have_no_slack_words(sentence: str) -> None:
    for slack in ("/review-questions", "/coach", "/log-interview", "workspace", "admin", "@name"):
        assert slack not in sentence, (slack, sentence)
    assert "Home tab" not in sentence
    assert "EC_" not in sentence, "a teacher is shown no setting name"


def test_teams_coach_help_names_no_setting() -> None:
    from bot.teams.coach_cards import HELP

    assert "EC_COACH_USER_IDS" not in HELP and "your IT team can set the first coaches" in HELP
    assert "your IT team" in coaching.coach_sent(True, 0, TEAMS)


def test_too_long_texts_are_grammatical() -> None:
    from bot.presenters.reflection import TEXT_NAMES, text_too_long

    said = text_too_long(TEXT_NAMES["exact_words"], 20000, 4000)
    assert said.startswith("The exact words: 20,000 characters, over the limit of 4,000.")
    assert " is 20,000" not in said


def test_teams_says_what_to_type() -> None:
    assert "type “review”" in practice.too_long(2345, TEAMS)
    assert "“coach add”" in screens.coach_list([], TEAMS)
    assert coaching.not_allowed_to_manage(TEAMS) == "Only coaches can add or remove coaches."
    assert practice.already_ended(TEAMS).endswith("your debrief is above in this chat.")
    assert words_for("teams") is TEAMS


def test_coach_refusals_by_reason_keep_slack_and_word_teams() -> None:
    """The services raise refusals with a reason code (issue 12); Slack's sentence for
    each is the one Slack always showed, Teams' names no workspace, admin or command."""
    assert coaching.refusal_text("not_a_coach") == (
        "Only coaches of this workspace can see the coach queue and transcripts."
    )
    assert coaching.refusal_text("not_allowed_to_manage") == (
        "Only workspace admins and coaches can add or remove coaches or change flagging."
    )
    assert coaching.refusal_text("name_to_add") == (
        "Please name the person to add, for example /coach add @name."
    )
    assert coaching.refusal_text("dispute_not_found") == (
        "I couldn't find that disagreement in this workspace."
    )
    assert coaching.refusal_text("no_such_code") is None
    for code in coaching.REFUSAL_CODES:
        sentence = coaching.refusal_text(code, TEAMS)
        assert sentence, code
        for slack in ("workspace", "admin", "/coach", "@name", "Home tab"):
            assert slack not in sentence, (code, sentence)
    assert coaching.flag_reason("findings_per_10", {"threshold": 3}, TEAMS).endswith(
        "over the 3 this organization set."
    )
