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


def test_teams_says_what_to_type() -> None:
    assert "type “review”" in practice.too_long(2345, TEAMS)
    assert "“coach add”" in screens.coach_list([], TEAMS)
    assert coaching.not_allowed_to_manage(TEAMS) == "Only coaches can add or remove coaches."
    assert practice.already_ended(TEAMS).endswith("your debrief is above in this chat.")
    assert words_for("teams") is TEAMS
