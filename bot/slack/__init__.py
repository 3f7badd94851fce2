"""The Slack adapter: an async Bolt app around the practice, review and reflection services.

Thin by design (DESIGN.md, "ports and adapters"): listeners parse a Slack
payload, acknowledge it, call one service, and render the plain result with
the Block Kit builders. Modules:

- :mod:`bot.slack.app`: building the ``AsyncApp`` (client with rate-limit
  retries, ``SLACK_API_URL``), background work after the ack.
- :mod:`bot.slack.server`: start-up (migrations, token checks) and serving
  over HTTP or Socket Mode.
- :mod:`bot.slack.listeners`: events, commands, actions, views, shortcuts.
- :mod:`bot.slack.flows`: each use case's Slack side (streaming replies,
  debrief, App Home, reviews, logging a real interview).
- :mod:`bot.slack.deliver`: the reminder dispatcher's Slack deliverer (the
  after-interview prompts, with idempotency keys in message metadata).
- :mod:`bot.slack.blocks` / :mod:`bot.slack.text`: Block Kit and text hygiene.
- :mod:`bot.slack.ids`: every manifest-facing id.
"""
