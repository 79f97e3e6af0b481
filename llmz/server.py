"""Serving: a language model behind HTTP, streaming one token at a time (chapter 11).

:func:`make_app` wraps a ``transformers`` causal LM in a FastAPI app with three routes:

- ``GET /health``: is the server up, which model, what limits.
- ``POST /generate``: a :class:`GenerateRequest` in, tokens out: streamed as Server-Sent Events
  (``stream: true``, the default) or as one JSON object.
- ``GET /stats``: counters (requests, completed, cancelled, tokens, model steps, ...) and the
  last requests' timings, so that a test or a notebook can see what the server did.

:func:`serve_in_background` runs the app with uvicorn in a thread of the current process (a
notebook or a test); :func:`stream_tokens` and :func:`load_test` are the clients, and
:func:`summarize` turns a load test's timings into latency and throughput.

What this server does (the skeleton every serving engine shares): it validates requests, keeps
a KV cache per request so each step feeds the model one new token, streams each token as soon
as it exists, runs the model off the event loop so the server stays responsive, bounds how
many requests decode at once, and stops decoding when the client goes away.

What a serving engine (vLLM, TGI, SGLang, the llama.cpp server) does on top, and this does not:

- **continuous batching**: it decodes all running requests in one batched forward pass per
  step, and lets requests join and leave the batch between steps. Here each request runs its
  own forward passes, so two requests cost two passes per step, not one.
- **a paged KV cache** (vLLM's PagedAttention): cache memory in fixed-size blocks shared by a
  pool, so requests of any length fit without fragmentation, and common prefixes (a system
  prompt) are stored once and reused (prefix caching).
- **tensor and pipeline parallelism**: one model split over several GPUs.
- **quantized kernels** (int8/int4/fp8 weights, fused attention such as FlashAttention): less
  memory per token, more tokens per second.
- **speculative decoding**: a small draft model proposes several tokens and the large model
  checks them in one pass.
- **an OpenAI-compatible API** (``/v1/chat/completions``: chat templates, stop strings,
  logprobs, usage), authentication, rate limits, metrics for Prometheus, and more.
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import itertools
import json
import socket
import threading
import time
from pathlib import Path
from typing import AsyncIterator, Iterator

import anyio
import httpx
import numpy as np
import torch
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from .decoding import adjust_logits, next_token_logits

__all__ = ["GenerateRequest", "make_app", "serve_in_background", "stream_tokens", "load_test",
           "load_test_async", "summarize"]


class GenerateRequest(BaseModel):
    """The body of ``POST /generate``. Strict: ``"5"`` is not a number and ``"true"`` is not a
    boolean, and an unknown field (``max_tokens`` for ``max_new_tokens``) is an error rather
    than silently ignored. The server adds its own limits (``max_new_tokens``, prompt length)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    prompt: str = Field(min_length=1, description="the text to continue")
    max_new_tokens: int = Field(64, ge=1, description="at most this many new tokens")
    temperature: float = Field(0.0, ge=0.0, allow_inf_nan=False,
                               description="0 is greedy decoding; > 0 samples")
    top_p: float | None = Field(None, gt=0.0, le=1.0, description="nucleus sampling (t > 0)")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="makes sampling repeatable")
    stream: bool = Field(True, description="Server-Sent Events (true) or one JSON (false)")


def _invalid(field: str, message: str) -> RequestValidationError:
    """A 422 in the same shape as FastAPI's own validation errors, so clients read one format."""
    return RequestValidationError([{"type": "value_error", "loc": ("body", field), "msg": message}])


class _Decoder:
    """One request's decoding state: the ids so far, its KV cache, its random generator.

    :meth:`step` runs in a worker thread, one forward pass per call. ``torch.inference_mode``
    is per thread, so it is entered there, not around the request. The model is shared by all
    requests (a forward pass changes nothing in it); the tokenizer is shared too but is not safe
    to call from two threads at once, hence ``tokenizer_lock``."""

    def __init__(self, model, tokenizer, tokenizer_lock: threading.Lock, prompt_ids: list[int],
                 req: GenerateRequest, eos_ids: set[int]):
        self.model, self.tokenizer, self.lock = model, tokenizer, tokenizer_lock
        self.req, self.eos_ids = req, eos_ids
        self.ids = torch.tensor([prompt_ids], device=model.device)
        self.cache = None                       # the first step (prefill) reads the whole prompt
        self.new_ids: list[int] = []
        self.sent = ""                          # the text streamed so far
        self.generator = torch.Generator(device=model.device)
        if req.seed is None:
            self.seed = self.generator.seed()   # a fresh random seed, reported to the client
        else:
            self.seed = self.generator.manual_seed(req.seed).initial_seed()

    def step(self) -> tuple[int, str, bool]:
        """One forward pass: ``(token id, new text, whether this was the last token)``."""
        with torch.inference_mode():
            logits, self.cache = next_token_logits(self.model, self.ids, self.cache)
            if self.req.temperature == 0:
                token = logits.argmax(dim=-1)
            else:
                logits = adjust_logits(logits, self.ids, temperature=self.req.temperature,
                                       top_p=self.req.top_p)
                probs = logits.softmax(dim=-1)
                token = torch.multinomial(probs, 1, generator=self.generator)[:, 0]
            self.ids = torch.cat([self.ids, token[:, None]], dim=1)
        self.new_ids.append(int(token))
        last = int(token) in self.eos_ids or len(self.new_ids) == self.req.max_new_tokens
        # Detokenize the whole completion, not the token alone: a byte-level token can hold half
        # of a UTF-8 character. A trailing U+FFFD waits for the next token, unless this is the last.
        with self.lock:
            text = self.tokenizer.decode(self.new_ids, skip_special_tokens=True)
        if text.endswith("\ufffd") and not last:
            return int(token), "", last
        delta, self.sent = text[len(self.sent):], text
        return int(token), delta, last


def make_app(model, tokenizer, *, max_new_tokens_limit: int = 256,
             max_prompt_tokens: int | None = None, max_concurrency: int = 2,
             max_queue: int | None = None, model_name: str | None = None) -> FastAPI:
    """A FastAPI app that serves ``model`` (see the module docstring for the routes).

    - ``max_new_tokens_limit``: the largest ``max_new_tokens`` a request may ask for.
    - ``max_prompt_tokens``: the longest prompt (default: the model's context minus one). A
      prompt plus its ``max_new_tokens`` must also fit the context: the answer is a 422 that says
      by how much it does not.
    - ``max_concurrency``: how many requests decode at once; the others wait their turn (first
      come, first served). Each request runs its own forward passes (no batching), so more than
      the machine's cores buys nothing on a CPU.
    - ``max_queue``: how many may wait; one more is refused at once with a 503 and
      ``Retry-After`` (``None``: no limit, requests wait as long as it takes).

    Streaming is Server-Sent Events (``text/event-stream``) rather than NDJSON: the format of
    OpenAI's API and of vLLM and TGI, which browsers read with ``EventSource`` and proxies know
    not to buffer. Each token is one event ``data: {"token": "text", "id": 42}`` and the last
    is ``data: {"done": true, "tokens": n, "finish_reason": "length" | "eos", ...}``. The
    ``token`` texts add up to the completion's text (a token's text may be ``""`` while it holds
    half a character); the end-of-text token, when produced, is streamed with ``""`` and counted.

    Every model step runs in a worker thread (``anyio.to_thread.run_sync``), so the event loop
    keeps answering ``/health`` and reading other requests while the model computes. A client
    that disconnects cancels its request: the step in flight finishes (a thread cannot be
    interrupted, and anyio waits for it), no other starts, and the slot goes to the next request.

    ``app.state.stats`` (also ``GET /stats``) counts ``requests`` (admitted), ``completed``,
    ``cancelled``, ``failed``, ``rejected`` (503), ``tokens`` (streamed), ``model_steps``
    (forward passes), ``active`` and ``waiting`` (now), ``peak_active``; ``app.state.recent``
    keeps the last 64 requests' ``id`` (the ``X-Request-Id`` header), token counts, timings and
    ``finish_reason``. They change on the event loop only, one thread, so they need no lock.
    """
    context = getattr(model.config, "max_position_embeddings", None)
    if max_prompt_tokens is None and context is not None:
        max_prompt_tokens = context - 1
    eos = model.generation_config.eos_token_id
    eos_ids = set(eos if isinstance(eos, list) else [] if eos is None else [eos])
    name = model_name or Path(str(getattr(model, "name_or_path", "") or "model")).name
    request_ids = itertools.count(1)
    # A fast tokenizer is one Rust object, which transformers reconfigures on each call: two
    # threads using it at once can fail ("RuntimeError: Already borrowed"). Calls are short.
    tokenizer_lock = threading.Lock()

    def encode(prompt: str) -> list[int]:
        with tokenizer_lock:
            return tokenizer.encode(prompt, verbose=False)   # no "longer than the model" log

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        # created here, in the event loop that will use it (a notebook may serve the app twice)
        app.state.slots = anyio.Semaphore(max_concurrency)
        yield

    app = FastAPI(title=f"llmz server: {name}", lifespan=lifespan)
    app.state.stats = {"requests": 0, "completed": 0, "cancelled": 0, "failed": 0, "rejected": 0,
                       "tokens": 0, "model_steps": 0, "active": 0, "waiting": 0, "peak_active": 0}
    app.state.recent = collections.deque(maxlen=64)    # the last requests, newest last
    stats = app.state.stats

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes each bad input back: a 100 kB prompt, or a NaN that JSON
        # cannot carry (a 500 for bad input). Where and what is enough.
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
                  for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    def check_limits(req: GenerateRequest, n_prompt: int) -> None:
        if req.max_new_tokens > max_new_tokens_limit:
            raise _invalid("max_new_tokens",
                           f"max_new_tokens={req.max_new_tokens} is more than this server allows "
                           f"(1 to {max_new_tokens_limit})")
        if max_prompt_tokens is not None and n_prompt > max_prompt_tokens:
            raise _invalid("prompt",
                           f"the prompt is {n_prompt} tokens long; this server accepts at most "
                           f"{max_prompt_tokens} prompt tokens")
        if context is not None and n_prompt + req.max_new_tokens > context:
            total = n_prompt + req.max_new_tokens
            raise _invalid("max_new_tokens",
                           f"the prompt ({n_prompt} tokens) plus max_new_tokens "
                           f"({req.max_new_tokens}) is {total} tokens, more than the model's "
                           f"context of {context}: shorten the prompt to at most "
                           f"{context - req.max_new_tokens} tokens or ask for at most "
                           f"{context - n_prompt} new tokens")

    async def decode(decoder: _Decoder, record: dict) -> AsyncIterator[tuple[int, str]]:
        """Wait for a slot, then yield ``(token id, text)`` one model step at a time. Whatever
        ends it (the last token, a disconnect that cancels it, an error) lands in ``record``."""
        t0 = time.perf_counter()
        stats["waiting"] += 1
        try:
            await app.state.slots.acquire()
        except BaseException:
            record["finish_reason"] = "cancelled"        # the client left while waiting
            stats["cancelled"] += 1
            raise
        finally:
            stats["waiting"] -= 1
        stats["active"] += 1
        stats["peak_active"] = max(stats["peak_active"], stats["active"])
        record["queued_s"] = time.perf_counter() - t0
        try:
            last = False
            while not last:
                # counted as it starts: a step once begun runs to its end, even if cancelled
                stats["model_steps"] += 1
                record["model_steps"] += 1
                token, text, last = await anyio.to_thread.run_sync(decoder.step)
                stats["tokens"] += 1
                record["tokens"] += 1
                record.setdefault("first_token_s", time.perf_counter() - t0)
                yield token, text
            record["finish_reason"] = "eos" if token in eos_ids else "length"
            stats["completed"] += 1
        except Exception:
            record["finish_reason"] = "error"
            stats["failed"] += 1
            raise
        finally:
            if "finish_reason" not in record:      # cancelled (CancelledError) or closed early
                record["finish_reason"] = "cancelled"
                stats["cancelled"] += 1
            record["total_s"] = time.perf_counter() - t0
            stats["active"] -= 1
            app.state.slots.release()

    async def sse(decoder: _Decoder, record: dict) -> AsyncIterator[str]:
        try:
            async with contextlib.aclosing(decode(decoder, record)) as tokens:
                async for token, text in tokens:
                    yield f"data: {json.dumps({'token': text, 'id': token})}\n\n"
        except Exception as exc:  # after the 200 headers, an error can only be an event
            failed = {"done": True, "finish_reason": "error", "error": repr(exc)}
            yield f"data: {json.dumps(failed)}\n\n"
            return
        done = {"done": True, "tokens": record["tokens"], "finish_reason": record["finish_reason"],
                "prompt_tokens": record["prompt_tokens"], "seed": decoder.seed}
        yield f"data: {json.dumps(done)}\n\n"

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "model": name, "context": context,
                "max_new_tokens_limit": max_new_tokens_limit,
                "max_prompt_tokens": max_prompt_tokens, "max_concurrency": max_concurrency,
                "active": stats["active"], "waiting": stats["waiting"]}

    @app.get("/stats")
    async def get_stats() -> dict:
        return {**stats, "recent": list(app.state.recent)}

    @app.post("/generate")
    async def generate(req: GenerateRequest, request: Request) -> Response:
        prompt_ids = await anyio.to_thread.run_sync(encode, req.prompt)  # a long one takes time
        check_limits(req, len(prompt_ids))
        if max_queue is not None and stats["waiting"] >= max_queue:
            stats["rejected"] += 1
            busy = (f"server busy: {stats['active']} requests decoding and {stats['waiting']} "
                    f"waiting (max_queue={max_queue}); retry later")
            raise HTTPException(503, detail=busy, headers={"Retry-After": "1"})
        stats["requests"] += 1
        record = {"id": next(request_ids), "prompt_tokens": len(prompt_ids),
                  "max_new_tokens": req.max_new_tokens, "tokens": 0, "model_steps": 0}
        app.state.recent.append(record)
        decoder = _Decoder(model, tokenizer, tokenizer_lock, prompt_ids, req, eos_ids)
        headers = {"X-Request-Id": str(record["id"])}
        if req.stream:
            headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
            return StreamingResponse(sse(decoder, record), media_type="text/event-stream",
                                     headers=headers)
        async with contextlib.aclosing(decode(decoder, record)) as tokens:
            async for _ in tokens:
                if await request.is_disconnected():  # nobody will read the answer: stop
                    break
        return JSONResponse({"text": decoder.sent, "tokens": record["tokens"],
                             "finish_reason": record["finish_reason"],
                             "prompt_tokens": len(prompt_ids), "seed": decoder.seed},
                            headers=headers)

    return app


# --------------------------------------------------------------------------------------------
# running it: uvicorn in a background thread
# --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def serve_in_background(app, host: str = "127.0.0.1", port: int = 0, *,
                        startup_timeout: float = 10.0, shutdown_timeout: float = 10.0
                        ) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields the base URL.

    ``port=0`` lets the OS pick a free port: the socket is bound here, before uvicorn starts,
    so the port cannot be taken in between. Returns once the server accepts connections; on
    exit, asks it to stop (``should_exit``: it finishes open requests for up to half of
    ``shutdown_timeout``) and joins the thread. A notebook can use it as it is: uvicorn runs its
    own event loop in its own thread, next to the kernel's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", ws="none",
                            timeout_graceful_shutdown=max(1, int(shutdown_timeout / 2)))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"uvicorn-llmz-{port}")
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server failed to start (its log says why)")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server did not start within {startup_timeout} s")
            time.sleep(0.01)
        yield f"http://[{host}]:{port}" if family == socket.AF_INET6 else f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(shutdown_timeout)
        if thread.is_alive():        # still busy: drop open connections
            server.force_exit = True
            thread.join(2.0)
        sock.close()


# --------------------------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------------------------
def _sse_data(line: str) -> dict | None:
    """The JSON of one ``data:`` line of a Server-Sent Events stream (enough for this server,
    whose events are one line each); ``None`` for blank lines and other fields."""
    return json.loads(line[5:]) if line.startswith("data:") else None


def stream_tokens(url: str, prompt: str, *, max_new_tokens: int = 64, temperature: float = 0.0,
                  top_p: float | None = None, seed: int | None = None,
                  timeout: float = 60.0) -> Iterator[str]:
    """Yield the completion's text token by token as the server at ``url`` streams it.
    A 4xx/5xx raises ``httpx.HTTPStatusError`` with the server's explanation."""
    body = {"prompt": prompt, "max_new_tokens": max_new_tokens, "temperature": temperature,
            "top_p": top_p, "seed": seed, "stream": True}
    with httpx.Client(base_url=url, timeout=timeout, trust_env=False) as client:
        with client.stream("POST", "/generate", json=body) as r:
            if r.status_code != 200:
                r.read()
                raise httpx.HTTPStatusError(f"{r.status_code}: {r.text}", request=r.request,
                                            response=r)
            for line in r.iter_lines():
                event = _sse_data(line)
                if event is not None and "token" in event:
                    yield event["token"]
                elif event is not None and event.get("finish_reason") == "error":
                    raise RuntimeError(f"the server failed mid-stream: {event['error']}")


async def _timed_request(client: httpx.AsyncClient, body: dict, timeout: float) -> dict:
    t = {"start": time.perf_counter(), "first_token": None, "end": None, "tokens": 0,
         "status": 0, "finish_reason": None, "error": None}
    try:
        with anyio.fail_after(timeout):       # the whole request, not just each read
            async with client.stream("POST", "/generate", json=body) as r:
                t["status"] = r.status_code
                if r.status_code != 200:          # refused (422, 503, ...): keep the reason
                    t["error"] = (await r.aread()).decode(errors="replace")[:300]
                    return t | {"end": time.perf_counter()}
                async for line in r.aiter_lines():
                    event = _sse_data(line)
                    if event is not None and "token" in event:
                        t["tokens"] += 1
                        if t["first_token"] is None:
                            t["first_token"] = time.perf_counter()
                    elif event is not None and event.get("done"):
                        t["finish_reason"] = event["finish_reason"]
                        t["error"] = event.get("error")
                if t["finish_reason"] is None:
                    t["error"] = "the stream ended before its done event"
    except (httpx.HTTPError, TimeoutError) as exc:
        t["error"] = f"{type(exc).__name__}: {exc}"
    t["end"] = time.perf_counter()
    return t


async def load_test_async(url: str, prompts: list[str], *, concurrency: int, n_requests: int,
                          max_new_tokens: int, temperature: float = 0.0,
                          timeout: float = 60.0) -> list[dict]:
    """:func:`load_test` for code already inside an event loop (``await`` it)."""
    body = {"max_new_tokens": max_new_tokens, "temperature": temperature, "stream": True}
    timings: list[dict] = [{} for _ in range(n_requests)]
    todo = iter(range(n_requests))            # shared by the workers: each takes the next one
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits,
                                 trust_env=False) as client:
        async def worker() -> None:
            for i in todo:
                prompt = prompts[i % len(prompts)]
                timings[i] = await _timed_request(client, {**body, "prompt": prompt}, timeout)

        async with anyio.create_task_group() as tg:
            for _ in range(min(concurrency, n_requests)):
                tg.start_soon(worker)
    return timings


def load_test(url: str, prompts: list[str], *, concurrency: int, n_requests: int,
              max_new_tokens: int, temperature: float = 0.0, timeout: float = 60.0) -> list[dict]:
    """A closed-loop load test: ``concurrency`` clients, each sending its next streamed request
    as soon as its last one ends, until ``n_requests`` are done (prompt ``i`` is
    ``prompts[i % len(prompts)]``). ``timeout`` bounds each whole request.

    Returns one dict per request, in order: ``start``, ``first_token`` (when its first token
    arrived; ``None`` if none did) and ``end`` in ``time.perf_counter()`` seconds, ``tokens``
    received, HTTP ``status`` (0: no answer), ``finish_reason`` and ``error`` (``None`` if it
    went well). Works in a notebook too, whose event loop is already running."""
    args = (url, prompts)
    kw = dict(concurrency=concurrency, n_requests=n_requests, max_new_tokens=max_new_tokens,
              temperature=temperature, timeout=timeout)
    try:
        asyncio.get_running_loop()
    except RuntimeError:                       # no event loop here: run one
        return asyncio.run(load_test_async(*args, **kw))
    # an event loop runs here already (Jupyter's): run ours in another thread and wait for it
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, load_test_async(*args, **kw)).result()


def summarize(timings: list[dict]) -> dict:
    """Latency and throughput of a load test (:func:`load_test`'s timings).

    Over the requests that succeeded (status 200, no error): ``latency`` is ``end - start``,
    ``ttft`` (time to first token) is ``first_token - start``, ``tpot`` (time per output token
    after the first) is ``(end - first_token) / (tokens - 1)``; ``p50``/``p95`` are percentiles
    with linear interpolation (``numpy.percentile``'s default). Over all requests, in the window
    from the first start to the last end: ``tokens_per_s`` is the tokens received divided by the
    window, ``requests_per_s`` the successful requests divided by it."""
    if not timings:
        raise ValueError("summarize needs the timings of at least one request")
    ok = [t for t in timings if t["status"] == 200 and t["error"] is None
          and t["first_token"] is not None]
    window = max(t["end"] for t in timings) - min(t["start"] for t in timings)

    def pct(values: list[float], q: float) -> float:
        return float(np.percentile(values, q)) if values else float("nan")

    latency = [t["end"] - t["start"] for t in ok]
    ttft = [t["first_token"] - t["start"] for t in ok]
    tpot = [(t["end"] - t["first_token"]) / (t["tokens"] - 1) for t in ok if t["tokens"] > 1]
    return {"requests": len(timings), "ok": len(ok),
            "p50_latency_s": pct(latency, 50), "p95_latency_s": pct(latency, 95),
            "p50_ttft_s": pct(ttft, 50), "p95_ttft_s": pct(ttft, 95), "p50_tpot_s": pct(tpot, 50),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(ok) / window}
