"""The language-model port: responders that voice a persona, and model reviewers.

The offline scripted responder (:mod:`bot.llm.scripted`) is the embedded default.
"""
