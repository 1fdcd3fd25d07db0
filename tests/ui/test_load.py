"""20 simultaneous chat sessions on loopback: no errors, no cross-talk, answers identical to a
single user's; prints p95 latency. Bounded: each session asks two questions, then stops."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow
QUESTIONS = [
    "What did Austin and Umerov discuss?",
    "Скільки ракет випустила Росія 5 грудня?",
    "Who from NATO did Umerov meet in Kyiv?",
    "What did Umerov discuss with the French defence minister?",
]
SESSIONS = 20


def ask(client, question):
    t0 = time.perf_counter()
    chat, sources, pick, markdown, answer = client.predict(question, [], "news", False, api_name="/ask")
    return answer, chat, time.perf_counter() - t0


def key(answer):
    return answer["abstained"], [(c["source"], c["start"], c["end"]) for c in answer["citations"]]


def test_twenty_sessions_at_once(server):
    single = {q: key(ask(Client(server, verbose=False), q)[0]) for q in QUESTIONS}

    def session(i):
        client = Client(server, verbose=False)
        out = []
        for j in range(2):
            question = QUESTIONS[(i + j) % len(QUESTIONS)]
            answer, chat, seconds = ask(client, question)
            out.append((question, answer, chat, seconds))
        return out

    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = [r for rs in pool.map(session, range(SESSIONS)) for r in rs]
    latencies = []
    for question, answer, chat, seconds in results:
        assert answer["question"] == question
        assert key(answer) == single[question]
        user_turns = [m for m in chat if m["role"] == "user"]
        assert len(user_turns) == 1  # each request's chat holds only its own question: no cross-talk
        latencies.append(seconds)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"\n{len(results)} requests from {SESSIONS} sessions: p50 {statistics.median(latencies):.2f}s, p95 {p95:.2f}s")
