"""Every user-facing sentence and the neutral view models platforms render.

Services build views from plain results (``bot.presenters.views``); each
platform adapter renders them its own way (Slack: Block Kit in
``bot/slack/render.py``; the terminal: text; Teams: Adaptive Cards). Wording
lives here once, so Slack, Teams and the terminal say the same thing.
"""
