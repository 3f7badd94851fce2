"""Pure domain: models, the question reviewer, the practice engine, the debrief.

No I/O here, and no imports of ``bot.llm``, ``bot.store``, ``bot.slack``,
``bot.teams`` or any network/database library (DESIGN.md).
"""
