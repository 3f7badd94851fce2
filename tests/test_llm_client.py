"""The model client over the official ``openai`` package, with OpenAI's HTTP mocked by respx."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import respx
from fake_openai import completion_json, sse_body
from pydantic import BaseModel

from bot.config import Settings
from bot.core.practice import Usage
from bot.llm.client import ModelClient
from bot.llm.errors import ModelKeyRejected, ModelNotConfigured, ModelUnavailable
from bot.llm.factory import choose_backend
from bot.llm.tokens import count_tokens

BASE = "https://llm.test/v1"
KEY = "sk-test-0123456789"
MESSAGES = [{"role": "user", "content": "Tell me about a morning that goes well."}]


def settings(**over: object) -> Settings:
    values: dict[str, object] = {
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": BASE,
        "request_timeout": 2.0,
        "max_retries": 2,
    }
    values.update(over)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Verdict(BaseModel):
    ok: bool
    why: str | None


async def _collect(stream) -> list[str]:
    return [d async for d in stream]


def test_timeout_and_retries_come_from_settings() -> None:
    client = ModelClient(settings(request_timeout=12.5, max_retries=4))
    assert client.sdk.timeout == 12.5  # never the SDK's 600 s default
    assert client.sdk.max_retries == 4
    assert str(client.sdk.base_url).rstrip("/") == BASE
    default = Settings(_env_file=None, OPENAI_API_KEY=KEY)  # type: ignore[call-arg]
    assert ModelClient(default).sdk.timeout == 30.0


def test_missing_key_is_not_configured() -> None:
    with pytest.raises(ModelNotConfigured, match="OPENAI_API_KEY is not set"):
        ModelClient(Settings(_env_file=None, OPENAI_API_KEY=""))  # type: ignore[call-arg]


def test_backend_choice() -> None:
    with_key = settings()
    without = Settings(_env_file=None)  # type: ignore[call-arg]
    assert choose_backend(None, with_key) == "openai"
    assert choose_backend(None, without) == "scripted"
    assert choose_backend("scripted", with_key) == "scripted"
    with pytest.raises(ModelNotConfigured, match="needs OPENAI_API_KEY"):
        choose_backend("openai", without)


@respx.mock(base_url=BASE)
def test_chat_success(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion_json("Mornings are a rush.", 40, 6))
    )
    client = ModelClient(settings())
    text, usage = asyncio.run(client.chat(MESSAGES, model="gpt-4.1-mini", max_tokens=50))
    assert text == "Mornings are a rush."
    assert usage == Usage(prompt_tokens=40, completion_tokens=6)
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = route.calls.last.request.read()
    assert b'"max_tokens":50' in body.replace(b" ", b"")


@respx.mock(base_url=BASE)
def test_streaming_yields_deltas_and_usage(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            200,
            text=sse_body(["Well, ", "mornings ", "are hard."], usage=(77, 9)),
            headers={"content-type": "text/event-stream"},
        )
    )
    client = ModelClient(settings())
    stream = client.stream_chat(MESSAGES, model="gpt-4.1-mini", max_tokens=50)
    assert asyncio.run(_collect(stream)) == ["Well, ", "mornings ", "are hard."]
    assert stream.text == "Well, mornings are hard."
    assert stream.usage == Usage(prompt_tokens=77, completion_tokens=9)


@respx.mock(base_url=BASE)
def test_streaming_without_server_usage_counts_with_tiktoken(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            200,
            text=sse_body(["Hello ", "there."], usage=None),
            headers={"content-type": "text/event-stream"},
        )
    )
    stream = ModelClient(settings()).stream_chat(MESSAGES, model="gpt-4.1-mini", max_tokens=50)
    asyncio.run(_collect(stream))
    assert stream.usage.prompt_tokens > 5
    assert stream.usage.completion_tokens == count_tokens("Hello there.")


@respx.mock(base_url=BASE)
def test_429_with_retry_after_then_success(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(
        side_effect=[
            httpx.Response(
                429, headers={"retry-after": "0.4"}, json={"error": {"message": "Rate limit"}}
            ),
            httpx.Response(200, json=completion_json("Okay.")),
        ]
    )
    client = ModelClient(settings())
    started = time.monotonic()
    text, _ = asyncio.run(client.chat(MESSAGES, model="gpt-4.1-mini", max_tokens=20))
    waited = time.monotonic() - started
    assert text == "Okay."
    assert route.call_count == 2
    assert waited >= 0.4  # the SDK slept for the server's Retry-After


@respx.mock(base_url=BASE)
def test_500_three_times_is_unavailable(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            500, headers={"retry-after-ms": "1"}, json={"error": {"message": "boom"}}
        )
    )
    client = ModelClient(settings())
    with pytest.raises(ModelUnavailable, match="HTTP 500"):
        asyncio.run(client.chat(MESSAGES, model="gpt-4.1-mini", max_tokens=20))
    assert route.call_count == 3  # first try + EC_MAX_RETRIES=2


@respx.mock(base_url=BASE)
def test_streaming_500_is_unavailable_after_retries(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            503, headers={"retry-after-ms": "1"}, json={"error": {"message": "down"}}
        )
    )
    stream = ModelClient(settings()).stream_chat(MESSAGES, model="gpt-4.1-mini", max_tokens=20)
    with pytest.raises(ModelUnavailable, match="HTTP 503"):
        asyncio.run(_collect(stream))
    assert route.call_count == 3


@respx.mock(base_url=BASE)
def test_timeout_is_unavailable(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(side_effect=httpx.ReadTimeout("stalled"))
    client = ModelClient(settings(max_retries=1))
    with pytest.raises(ModelUnavailable, match="timed out after 2 s"):
        asyncio.run(client.chat(MESSAGES, model="gpt-4.1-mini", max_tokens=20))
    assert route.call_count == 2


@respx.mock(base_url=BASE)
def test_connection_error_is_unavailable(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    client = ModelClient(settings(max_retries=0))
    with pytest.raises(ModelUnavailable, match="could not reach"):
        asyncio.run(client.chat(MESSAGES, model="gpt-4.1-mini", max_tokens=20))


@respx.mock(base_url=BASE)
def test_structured_output_parses(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion_json('{"ok": true, "why": null}'))
    )
    parsed, usage = asyncio.run(
        ModelClient(settings()).parse(MESSAGES, model="gpt-4.1-mini", schema=Verdict, max_tokens=50)
    )
    assert parsed == Verdict(ok=True, why=None)
    assert usage.prompt_tokens == 50
    body = route.calls.last.request.read().decode()
    assert '"json_schema"' in body and '"strict":true' in body.replace(" ", "")


@pytest.mark.parametrize(
    "content",
    ['{"ok": tru', '{"ok": "maybe", "why": 3}', "not json at all", '{"why": null}'],
)
@respx.mock(base_url=BASE)
def test_malformed_structured_output_is_unavailable(
    respx_mock: respx.MockRouter, content: str
) -> None:
    respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion_json(content))
    )
    client = ModelClient(settings())
    with pytest.raises(ModelUnavailable, match="structured output"):
        asyncio.run(client.parse(MESSAGES, model="gpt-4.1-mini", schema=Verdict, max_tokens=50))


@respx.mock(base_url=BASE)
def test_invalid_key_gives_one_clear_message(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/models").mock(
        return_value=httpx.Response(
            401,
            json={
                "error": {
                    "message": f"Incorrect API key provided: {KEY}.",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        )
    )
    client = ModelClient(settings())
    with pytest.raises(ModelKeyRejected) as info:
        asyncio.run(client.check_key())
    message = str(info.value)
    assert message.startswith("OPENAI_API_KEY was rejected: Incorrect API key provided")
    assert KEY not in message  # a server echoing the key never prints it
    assert "\n" not in message


@respx.mock(base_url=BASE)
def test_check_key_ok_and_falls_back_to_tiny_completion(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/models").mock(
        return_value=httpx.Response(404, json={"error": {"message": "no"}})
    )
    chat = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion_json("h", 1, 1))
    )
    asyncio.run(ModelClient(settings()).check_key())
    assert chat.call_count == 1
    assert b'"max_tokens":1' in chat.calls.last.request.read().replace(b" ", b"")


@respx.mock(base_url=BASE)
def test_key_rejected_mid_session_is_a_key_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(401, json={"error": {"message": "key revoked"}})
    )
    with pytest.raises(ModelKeyRejected, match="key revoked"):
        asyncio.run(ModelClient(settings()).chat(MESSAGES, model="gpt-4.1-mini", max_tokens=5))


def test_azure_endpoint_uses_deployment_route() -> None:
    s = settings(
        OPENAI_BASE_URL=None,
        AZURE_OPENAI_ENDPOINT="https://district.openai.azure.test",
        AZURE_OPENAI_API_VERSION="2024-10-21",
        AZURE_OPENAI_DEPLOYMENT="caregiver-mini",
    )
    client = ModelClient(s)
    assert client.model_for("persona") == "caregiver-mini"
    with respx.mock() as mock:
        route = mock.post(
            "https://district.openai.azure.test/openai/deployments/caregiver-mini/chat/completions"
        ).mock(return_value=httpx.Response(200, json=completion_json("Hola.")))
        text, _ = asyncio.run(
            client.chat(MESSAGES, model=client.model_for("persona"), max_tokens=5)
        )
    assert text == "Hola."
    request = route.calls.last.request
    assert request.url.params["api-version"] == "2024-10-21"
    assert request.headers["api-key"] == KEY


def test_azure_without_version_is_not_configured() -> None:
    s = settings(AZURE_OPENAI_ENDPOINT="https://x.openai.azure.test", AZURE_OPENAI_API_VERSION=None)
    with pytest.raises(ModelNotConfigured, match="AZURE_OPENAI_API_VERSION"):
        ModelClient(s)


def test_reasoning_models_get_max_completion_tokens() -> None:
    params = ModelClient._params("gpt-5-mini", 100, 0.7)
    assert params == {"model": "gpt-5-mini", "max_completion_tokens": 100}
    assert ModelClient._params("gpt-4.1-mini", 100, 0.7) == {
        "model": "gpt-4.1-mini",
        "max_tokens": 100,
        "temperature": 0.7,
    }
