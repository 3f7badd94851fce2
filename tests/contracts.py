"""DESIGN.md's contracts, written out once for the tests (not imported from the code,
so a change to the code cannot quietly change what the tests expect)."""

DEBRIEF_FIELDS = (
    "turns",
    "open_questions",
    "closed_questions",
    "findings_by_kind",
    "follow_ups",
    "reflections",
    "reflection_to_question",
    "talk_ratio",
    "layers_reached",
    "layers_total",
    "hidden_insight_reached",
    "reframes",
    "summary",
)
"""The debrief object's fields DESIGN.md's practice contract requires ("at least")."""

FINDING_FIELDS = frozenset({"kind", "severity", "span", "evidence", "why", "source", "confidence"})
"""A finding's JSON fields: DESIGN.md's six plus ``confidence`` (0-1), added by issue 14 so that
coaches see how sure each source is and the engine charges trust in proportion."""

FINDING_SOURCES = frozenset({"rules", "learned", "llm"})
"""Values of a finding's ``source``: DESIGN.md's two plus ``learned`` (the shipped classifier)."""
