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
