"""Prompt tokens per turn: this design (budgeted) against a naive full-history prompt.

Runs a 100-turn practice session offline (a shipped persona, the practice
engine and the scripted responder; no network, no key) and, at turns 5, 25,
50 and 100, counts with tiktoken (``o200k_base``, loaded offline) the prompt
the model responder would send:

- *this design*: card + engine state + recent turns + running summary, kept
  under ``EC_MAX_PROMPT_TOKENS`` (:func:`bot.llm.openai_responder.caregiver_messages`);
- *naive*: the same system prompt with every earlier turn replayed as chat
  messages and no summary.

Usage::

    .venv/bin/python bench/prompt_tokens.py [--persona night-shift-mom] [--budget 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.core.practice import PracticeEngine, ReplyPlan
from bot.llm.client import Message
from bot.llm.openai_responder import caregiver_messages, caregiver_system_prompt
from bot.llm.scripted import ScriptedResponder
from bot.llm.tokens import count_messages
from bot.personas import get_persona

CHECKPOINTS = (5, 25, 50, 100)
"""Turns at which prompt sizes are printed (issue 3)."""

STAFF_LINES = [
    "Hi, thanks for taking my call. How is your week going?",
    "Tell me about a typical morning at your house.",
    "What happens after that?",
    "Tell me more about your work.",
    "It sounds like you are carrying a lot on your own.",
    "How do things go at home when you are at work?",
    "What else happens on those mornings?",
    "How do you usually let the school know when your child is out?",
    "What is it like for you when you call the school?",
    "Tell me more about that.",
    "What do you hope school is like for your child next year?",
    "How does your child get to school?",
    "Tell me about the people who help your family.",
    "What else would you like me to know?",
]
"""A cycle of open questions, follow-ups and reflections, as a patient interviewer asks."""


def naive_messages(plan: ReplyPlan, history: list[tuple[str, str]]) -> list[Message]:
    """Full-history prompt: system prompt, every earlier turn, the new staff words."""
    messages: list[Message] = [
        {"role": "system", "content": caregiver_system_prompt(plan, summary="")}
    ]
    for staff, caregiver in history:
        messages.append({"role": "user", "content": staff})
        messages.append({"role": "assistant", "content": caregiver})
    messages.append({"role": "user", "content": plan.staff_text})
    return messages


async def measure(persona_id: str, budget: int, turns: int) -> list[tuple[int, int, int]]:
    """Return ``(turn, design tokens, naive tokens)`` for every turn up to ``turns``."""
    persona = get_persona(persona_id)
    engine = PracticeEngine(persona, seed=1)
    responder = ScriptedResponder()
    history: list[tuple[str, str]] = []
    rows = []
    for i in range(turns):
        staff = STAFF_LINES[i % len(STAFF_LINES)]
        plan = engine.plan(staff)
        design = count_messages(caregiver_messages(plan, max_prompt_tokens=budget))
        naive = count_messages(naive_messages(plan, history))
        rows.append((plan.turn_index, design, naive))
        reply, _ = await responder.complete(plan)
        engine.record(plan, reply)
        history.append((staff, reply))
    return rows


def main() -> None:
    """Print the side-by-side table."""
    parser = argparse.ArgumentParser(description="Prompt tokens per turn, budgeted vs naive.")
    parser.add_argument("--persona", default="night-shift-mom")
    parser.add_argument("--budget", type=int, default=Settings(_env_file=None).max_prompt_tokens)  # type: ignore[call-arg]
    args = parser.parse_args()
    rows = asyncio.run(measure(args.persona, args.budget, max(CHECKPOINTS)))
    print(f"persona {args.persona}, budget {args.budget} prompt tokens (tiktoken o200k_base)")
    print(f"{'turn':>5} {'this design':>12} {'naive full history':>19}")
    for turn, design, naive in rows:
        if turn in CHECKPOINTS:
            print(f"{turn:>5} {design:>12,} {naive:>19,}")
    peak = max(design for _, design, _ in rows)
    last = len(rows)
    print(f"max over turns 1-{last}: this design {peak:,}; naive {rows[-1][2]:,} at turn {last}")


if __name__ == "__main__":
    main()
