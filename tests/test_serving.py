"""End-to-end tests of llmz/server.py: the course model served on loopback by uvicorn in a
background thread, exercised over real HTTP. CPU, offline, about 15 s on 2 busy cores.

Timing-sensitive checks never rely on how fast the machine is: a forward pre-hook on the model
either holds every model step at a gate the test opens (so "two requests decode, two wait" is a
state the test can observe) or makes each step take 20 ms (so a cancelled request is visibly
stopped long before it could have finished). Every wait has a deadline."""
from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time

import httpx
import pytest
import torch

import llmz
from llmz import decoding
from llmz.server import load_test, make_app, serve_in_background, stream_tokens, summarize

DEADLINE = 20.0  # seconds: the most any single wait in these tests may take


@pytest.fixture(scope="module")
def course():
    return llmz.load_model("course")


@contextlib.contextmanager
def running(model, tok, **kw):
    app = make_app(model, tok, **kw)
    with serve_in_background(app) as url:
        yield url, app


@pytest.fixture
def server(course):
    with running(*course) as (url, app):
        yield url, app


@pytest.fixture(scope="module")
def refusing_server(course):
    """One server for all the bad requests: none of them may start a generation."""
    with running(*course) as (url, app):
        yield url, app


@contextlib.contextmanager
def before_each_step(model, fn):
    """Run ``fn()`` before every forward pass of ``model`` (in whichever thread runs it)."""
    def hook(module, args) -> None:   # None: leave the forward's arguments as they are
        fn()

    handle = model.register_forward_pre_hook(hook)
    try:
        yield
    finally:
        handle.remove()


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=DEADLINE, trust_env=False)


def greedy_reference(model, tok, prompt: str, n: int) -> list[int]:
    ids = torch.tensor([tok.encode(prompt)])
    with torch.no_grad():
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=n,
                             do_sample=False)
    return out[0, ids.size(1):].tolist()


def events_of(lines) -> list[dict]:
    return [json.loads(line[5:]) for line in lines if line.startswith("data:")]


def streamed(url: str, body: dict) -> tuple[list[dict], dict]:
    """The token events and the final event of one streamed request."""
    with client(url) as c, c.stream("POST", "/generate", json=body) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        events = events_of(r.iter_lines())
    assert events and events[-1].get("done"), f"the stream did not end with a done event: {events}"
    return events[:-1], events[-1]


def stats_when(url: str, condition, what: str) -> dict:
    """Poll ``/stats`` until ``condition(stats)`` holds."""
    deadline = time.monotonic() + DEADLINE
    with client(url) as c:
        while True:
            stats = c.get("/stats").json()
            if condition(stats):
                return stats
            assert time.monotonic() < deadline, f"timed out waiting for {what}: {stats}"
            time.sleep(0.02)


def test_health(server):
    url, _ = server
    with client(url) as c:
        health = c.get("/health").json()
    assert health["status"] == "ok"
    assert health["model"] == "course_model" and health["context"] == 256
    assert health["max_concurrency"] == 2 and health["max_new_tokens_limit"] == 256


def test_server_stops_cleanly(course):
    with running(*course) as (url, _):
        threads = [t for t in threading.enumerate() if t.name.startswith("uvicorn")]
        assert len(threads) == 1 and url.startswith("http://127.0.0.1:")
    assert not threads[0].is_alive(), "the server thread outlived serve_in_background"
    with pytest.raises(httpx.ConnectError), client(url) as c:
        c.get("/health", timeout=2.0)


@pytest.mark.parametrize("prompt,n", [("ROMEO:\n", 40), ("To be, or not to be", 25)])
def test_greedy_stream_equals_generate_and_json(course, server, prompt, n):
    model, tok = course
    url, _ = server
    reference = greedy_reference(model, tok, prompt, n)
    tokens, done = streamed(url, {"prompt": prompt, "max_new_tokens": n})
    assert [e["id"] for e in tokens] == reference, \
        "streamed greedy tokens differ from model.generate(do_sample=False)"
    text = "".join(e["token"] for e in tokens)
    assert text == tok.decode(reference, skip_special_tokens=True), \
        "the streamed token texts do not add up to the decoded completion"
    assert done["tokens"] == len(reference) == n and done["finish_reason"] == "length"
    with client(url) as c:
        whole = c.post("/generate", json={"prompt": prompt, "max_new_tokens": n,
                                          "stream": False}).json()
    assert (whole["text"], whole["tokens"], whole["finish_reason"]) == (text, n, "length"), \
        "the non-streamed answer differs from the streamed one"
    assert "".join(stream_tokens(url, prompt, max_new_tokens=n, timeout=DEADLINE)) == text


def test_eos_ends_the_stream_like_generate(course, server):
    """Force the end-of-text token at the 4th step (a forward hook on the logits): the server
    stops there, as generate does, streams it with empty text and says why it stopped."""
    model, tok = course
    url, _ = server
    calls = [0]

    def force_eos(module, args, output):
        calls[0] += 1
        if calls[0] == 4:
            output.logits[:, -1, tok.eos_token_id] = 1e4

    handle = model.register_forward_hook(force_eos)
    try:
        reference = greedy_reference(model, tok, "JULIET:", 20)
        calls[0] = 0
        tokens, done = streamed(url, {"prompt": "JULIET:", "max_new_tokens": 20})
    finally:
        handle.remove()
    assert reference[-1] == tok.eos_token_id and len(reference) == 4
    assert [e["id"] for e in tokens] == reference
    assert tokens[-1]["token"] == "" and done["finish_reason"] == "eos" and done["tokens"] == 4


def test_seeded_sampling_is_repeatable(course, server):
    model, tok = course
    url, _ = server
    body = {"prompt": "KING:", "max_new_tokens": 20, "temperature": 0.8, "top_p": 0.9, "seed": 7}
    first, done = streamed(url, body)
    again, _ = streamed(url, body)
    ids = torch.tensor([tok.encode("KING:")])
    reference = decoding.sample(model, ids, 20, generator=torch.Generator().manual_seed(7),
                                temperature=0.8, top_p=0.9,
                                eos_token_id=tok.eos_token_id)[0, ids.size(1):].tolist()
    assert [e["id"] for e in first] == [e["id"] for e in again] == reference, \
        "the same seed must give the same sample (that of llmz.decoding.sample)"
    assert done["seed"] == 7


def test_concurrent_requests_are_bounded_and_health_answers(course):
    """Four streams, two slots: while every model step is held at a gate, two requests decode,
    two wait, and /health still answers (the model runs off the event loop). Then all finish,
    each with its own greedy tokens."""
    model, tok = course
    prompts = ["ROMEO:", "JULIET:", "HAMLET:", "First Citizen:"]
    references = [greedy_reference(model, tok, p, 12) for p in prompts]
    gate = threading.Event()

    async def collect(c: httpx.AsyncClient, prompt: str) -> list[int]:
        async with c.stream("POST", "/generate", json={"prompt": prompt,
                                                       "max_new_tokens": 12}) as r:
            assert r.status_code == 200
            events = events_of([line async for line in r.aiter_lines()])
            assert events[-1]["finish_reason"] == "length", events[-1]
            return [e["id"] for e in events if "token" in e]

    async def scenario(url: str) -> tuple[list, dict, dict]:
        async with httpx.AsyncClient(base_url=url, timeout=DEADLINE, trust_env=False) as c:
            streams = [asyncio.create_task(collect(c, p)) for p in prompts]
            deadline = time.monotonic() + DEADLINE
            while True:
                held = (await c.get("/stats")).json()
                if held["active"] == 2 and held["waiting"] == 2:
                    break
                assert time.monotonic() < deadline, f"never saw 2 decoding, 2 waiting: {held}"
                await asyncio.sleep(0.02)
            health = (await c.get("/health", timeout=5.0)).json()
            gate.set()
            results = await asyncio.wait_for(asyncio.gather(*streams), DEADLINE)
            return results, held, health

    with running(model, tok, max_concurrency=2) as (url, app), \
            before_each_step(model, lambda: gate.wait(DEADLINE)):
        try:
            results, held, health = asyncio.run(scenario(url))
        finally:
            gate.set()              # never leave a worker thread held at the gate
        final = app.state.stats

    assert held["model_steps"] == 2, "only the two admitted requests may have started a step"
    assert health["status"] == "ok" and health["active"] == 2 and health["waiting"] == 2
    assert results == references, "a concurrent request got another's (or wrong) tokens"
    assert final["peak_active"] == 2 and final["completed"] == 4 and final["active"] == 0


def test_queue_limit_answers_503(course):
    model, tok = course
    gate = threading.Event()
    body = {"prompt": "ROMEO:", "max_new_tokens": 3}

    async def scenario(url: str):
        async with httpx.AsyncClient(base_url=url, timeout=DEADLINE, trust_env=False) as c:
            async def run() -> int:
                async with c.stream("POST", "/generate", json=body) as r:
                    await r.aread()
                    return r.status_code

            first = asyncio.create_task(run())
            while (await c.get("/stats")).json()["active"] < 1:
                await asyncio.sleep(0.02)
            second = asyncio.create_task(run())
            while (await c.get("/stats")).json()["waiting"] < 1:
                await asyncio.sleep(0.02)
            refused = await c.post("/generate", json=body)
            gate.set()
            return await asyncio.wait_for(asyncio.gather(first, second), DEADLINE), refused

    with running(model, tok, max_concurrency=1, max_queue=1) as (url, app), \
            before_each_step(model, lambda: gate.wait(DEADLINE)):
        try:
            statuses, refused = asyncio.run(asyncio.wait_for(scenario(url), DEADLINE))
        finally:
            gate.set()
        assert app.state.stats["rejected"] == 1
    assert statuses == [200, 200]
    assert refused.status_code == 503 and "busy" in refused.json()["detail"]
    assert refused.headers["retry-after"] == "1"


def test_disconnect_stops_generation(course):
    """A client that leaves after two tokens: the server counts the request as cancelled and
    runs no more steps for it, far fewer than the 200 it asked for (each step takes 20 ms here,
    so finishing would take 4 s). Same for a non-streamed request whose client gives up."""
    model, tok = course
    with running(model, tok) as (url, app), before_each_step(model, lambda: time.sleep(0.02)):
        with client(url) as c:
            with c.stream("POST", "/generate", json={"prompt": "ROMEO:",
                                                     "max_new_tokens": 200}) as r:
                request_id = int(r.headers["x-request-id"])
                seen = 0
                for line in r.iter_lines():
                    seen += line.startswith("data:")
                    if seen == 2:
                        break
        stats = stats_when(url, lambda s: s["cancelled"] == 1, "the stream's cancellation")
        record = next(x for x in stats["recent"] if x["id"] == request_id)
        assert record["finish_reason"] == "cancelled"
        assert 2 <= record["model_steps"] < 50, f"it kept decoding after the disconnect: {record}"
        time.sleep(0.2)
        assert app.state.stats["model_steps"] == stats["model_steps"], "steps after cancellation"

        with client(url) as c, pytest.raises(httpx.ReadTimeout):
            c.post("/generate", json={"prompt": "ROMEO:", "max_new_tokens": 200,
                                      "stream": False}, timeout=0.3)
        stats = stats_when(url, lambda s: s["cancelled"] == 2, "the JSON request's cancellation")
        assert stats["recent"][-1]["model_steps"] < 100 and stats["active"] == 0
        assert stats["completed"] == 0 and stats["failed"] == 0

        tokens, done = streamed(url, {"prompt": "ROMEO:", "max_new_tokens": 3})
        assert done["finish_reason"] == "length" and len(tokens) == 3


LONG = "To be, or not to be, that is the question. " * 40     # about 400 tokens


@pytest.mark.parametrize("body,field,words", [
    ({"prompt": ""}, "prompt", "at least 1 character"),
    ({}, "prompt", "required"),
    ({"prompt": 5}, "prompt", "valid string"),
    ({"prompt": "a", "max_new_tokens": 0}, "max_new_tokens", "greater than or equal to 1"),
    ({"prompt": "a", "max_new_tokens": 1000}, "max_new_tokens", "1 to 256"),
    ({"prompt": "a", "max_new_tokens": "ten"}, "max_new_tokens", "valid integer"),
    ({"prompt": "a", "max_new_tokens": 2.5}, "max_new_tokens", "valid integer"),
    ({"prompt": "a", "temperature": -1}, "temperature", "greater than or equal to 0"),
    ({"prompt": "a", "temperature": "hot"}, "temperature", "valid number"),
    ({"prompt": "a", "top_p": 1.5}, "top_p", "less than or equal to 1"),
    ({"prompt": "a", "seed": -1}, "seed", "greater than or equal to 0"),
    ({"prompt": "a", "stream": "yes"}, "stream", "valid boolean"),
    ({"prompt": "a", "max_tokens": 5}, "max_tokens", "extra inputs"),
    ({"prompt": LONG}, "prompt", "at most 255 prompt tokens"),
    ({"prompt": LONG[:400], "max_new_tokens": 200}, "max_new_tokens", "context of 256"),
])
def test_bad_request_is_a_clear_422(refusing_server, body, field, words):
    url, app = refusing_server
    with client(url) as c:
        r = c.post("/generate", json=body)
        assert r.status_code == 422, r.text
        detail = r.json()["detail"]
        assert any(e["loc"][-1] == field and words in e["msg"].lower() for e in detail), detail
        assert c.get("/health").json()["status"] == "ok"
    assert app.state.stats["requests"] == 0, "a refused request must not start"


def test_malformed_requests_and_serving_afterwards(server):
    url, app = server
    with client(url) as c:
        for content in (b'{"prompt": "a",', b'{"prompt": "a", "temperature": NaN}', b"[1, 2]"):
            r = c.post("/generate", content=content, headers={"content-type": "application/json"})
            assert r.status_code == 422 and r.json()["detail"], (content, r.text)
        assert c.get("/generate").status_code == 405
    tokens, done = streamed(url, {"prompt": "ROMEO:", "max_new_tokens": 5})
    assert len(tokens) == 5 and app.state.stats["failed"] == 0


def test_load_test_and_summary(server):
    url, app = server
    timings = load_test(url, ["ROMEO:", "JULIET:", "KING:"], concurrency=3, n_requests=6,
                        max_new_tokens=8, timeout=DEADLINE)
    assert len(timings) == 6
    for t in timings:
        assert t["status"] == 200 and t["error"] is None and t["tokens"] == 8, t
        assert t["start"] <= t["first_token"] <= t["end"]
    summary = summarize(timings)
    assert summary["ok"] == 6
    assert 0 < summary["p50_latency_s"] <= summary["p95_latency_s"]
    assert 0 < summary["p50_ttft_s"] <= summary["p95_ttft_s"] <= summary["p95_latency_s"]
    assert summary["tokens_per_s"] > 0 and summary["requests_per_s"] > 0
    assert app.state.stats["peak_active"] <= 2

    refused = load_test(url, [LONG], concurrency=1, n_requests=1, max_new_tokens=8,
                        timeout=DEADLINE)
    assert refused[0]["status"] == 422 and "prompt tokens" in refused[0]["error"]
    assert refused[0]["first_token"] is None and summarize(refused)["ok"] == 0
