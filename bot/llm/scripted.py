"""The offline scripted responder: voices a persona from its card's lines.

No network, no model, no API key: the embedded default backend. It voices only
what the :class:`~bot.core.practice.ReplyPlan` allows (the engine owns trust
and disclosure) and draws every word from the persona card:

| plan mode     | reply                                                        |
|---------------|--------------------------------------------------------------|
| ``brief``     | one ``voice.brief`` line                                     |
| ``open``      | two lines from ``voice.topics[topic]`` for the topics asked  |
|               | about, falling back to ``voice.surface`` + ``voice.general`` |
|               | (``voice.general`` first once a layer is out)                |
| ``guarded``   | one ``voice.guarded`` line                                   |
| ``acknowledge``| one ``voice.acknowledge`` line, plus a topic line if a topic |
|               | was mentioned                                                |
| ``disclose``  | the disclosed layer's ``says`` lines                         |
| ``insight``   | ``plan.lead_in`` then the hidden insight's ``says`` lines    |

On the first turn a greeting from staff gets the card's ``voice.greeting``
first. Choices are deterministic for a seed: among the candidates the least
used so far in the session wins (counted in ``plan.earlier_replies``), ties are
broken by ``random.Random(f"{seed}:{turn_index}")``, and no line from the
previous reply is used again, so the caregiver never says the same line twice
in a row. Because all state comes from the plan, a restored session continues
exactly as the original would have.
"""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator, Iterable

from bot.core.practice import ReplyPlan, Usage
from bot.core.text import fold_quotes as normalize

WORDS_PER_DELTA = 3
"""Words per streamed delta: small enough to look like typing in Slack, big
enough to keep the number of message updates low."""

_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|hola|good\s+(?:morning|afternoon|evening)|"
    r"buen[oa]s\s+(?:d[ií]as|tardes|noches)|nice\s+to\s+(?:meet|talk|speak)|"
    r"(?:muchas\s+)?gracias\s+por\s+(?:hablar|tomar(?:se)?|su\s+tiempo|atender|contestar|"
    r"recibir|platicar)|"
    r"thanks?(?:\s+you)?(?:\s+so\s+much)?\s+for\s+"
    r"(?:taking|talking|making|your\s+time|speaking|meeting|calling|coming))\b",
    re.IGNORECASE,
)


def is_greeting(text: str) -> bool:
    """Tell whether a staff utterance opens with a greeting or a thank-you.

    Args:
        text: the staff utterance.

    Returns:
        True for "Hi…", "Good morning…", "Thank you for taking time…", "Buenos
        días…", "Gracias por hablar conmigo…" and the like.
    """
    return _GREETING.search(normalize(text)) is not None


class _Chooser:
    """Least-used, seeded choice of card lines for one turn."""

    def __init__(self, plan: ReplyPlan) -> None:
        self._rng = random.Random(f"{plan.seed}:{plan.turn_index}")
        self._history = plan.earlier_replies
        self._last = plan.earlier_replies[-1] if plan.earlier_replies else ""
        self._taken: list[str] = []

    def uses(self, line: str) -> int:
        return sum(1 for reply in self._history if line in reply)

    def pick(self, candidates: Iterable[str]) -> str | None:
        pool: list[str] = []
        for line in candidates:
            if line and line not in pool and line not in self._taken and line not in self._last:
                pool.append(line)
        if not pool:
            return None
        fewest = min(self.uses(line) for line in pool)
        best = [line for line in pool if self.uses(line) == fewest]
        line = self._rng.choice(best)
        self._taken.append(line)
        return line


class ScriptedResponder:
    """Offline responder that voices a persona from its card (no model).

    Implements :class:`bot.llm.base.Responder`. Stateless: every choice is
    derived from the plan, so one instance can serve many sessions.

    Args:
        name: backend name shown to users.
    """

    def __init__(self, name: str = "scripted") -> None:
        self.name = name

    def reply(self, plan: ReplyPlan) -> str:
        """Return the caregiver's reply for one plan.

        Args:
            plan: what the engine allows this turn.

        Returns:
            The reply text (one or more card lines joined by spaces).
        """
        voice = plan.persona.voice
        choose = _Chooser(plan)
        topic_lines = [line for t in plan.topics for line in voice.topics.get(t, [])]
        # The surface account is the cover story: once anything deeper is out,
        # it comes only when the general lines run short.
        earned = bool(plan.allowed_layers or plan.disclose or plan.insight)
        fallback = [*voice.general] if earned else [*voice.surface, *voice.general]
        spare = [*voice.surface] if earned else []
        lines: list[str | None] = []

        if plan.mode == "insight" and plan.insight is not None:
            lines = [plan.lead_in, *plan.insight.says]
        elif plan.mode == "disclose" and plan.disclose is not None:
            lines = list(plan.disclose.says)
        elif plan.mode == "guarded":
            lines = [choose.pick(voice.guarded) or choose.pick(voice.general)]
        elif plan.mode == "brief":
            lines = [choose.pick(voice.brief) or choose.pick(voice.general)]
        elif plan.mode == "acknowledge":
            lines = [choose.pick(voice.acknowledge) or choose.pick(voice.general)]
            if topic_lines:
                lines.append(choose.pick(topic_lines))
        else:  # open (and any mode whose content is missing from the plan)
            first = choose.pick(topic_lines) or choose.pick(fallback) or choose.pick(spare)
            second = choose.pick(topic_lines) or choose.pick(fallback) or choose.pick(spare)
            lines = [first, second]

        if (
            plan.turn_index == 1
            and not plan.earlier_replies
            and plan.mode in ("open", "brief", "acknowledge")
            and is_greeting(plan.staff_text)
        ):
            lines.insert(0, voice.greeting)
        return " ".join(line for line in lines if line)

    async def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        """Yield the reply in deltas of :data:`WORDS_PER_DELTA` words.

        Args:
            plan: what the engine allows this turn.

        Yields:
            Text deltas whose concatenation is exactly :meth:`reply`.
        """
        words = re.findall(r"\S+\s*", self.reply(plan))
        for start in range(0, len(words), WORDS_PER_DELTA):
            yield "".join(words[start : start + WORDS_PER_DELTA])

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        """Return the whole reply and zero token usage.

        Args:
            plan: what the engine allows this turn.

        Returns:
            ``(reply text, Usage())``; the scripted backend spends no tokens.
        """
        return self.reply(plan), Usage()
