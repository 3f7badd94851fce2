"""Use cases that tie core, llm and store together."""
