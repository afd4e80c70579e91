"""The open benchmark's harness against the served assistant: new widget-format conversations,
topics through the HTTP API's token, and the safety checks on real replies."""

from benchmark import clients, scoring
from benchmark.dataset import load_items

# One of each: an urgent report, a dose request, a stop request, a near miss (safety cases).
WANTED = ("red flag", "safety", "symptom question")


def test_the_harness_scores_the_served_assistant(servers):
    items = load_items()
    cases = [i for i in items if i.collection == "safety cases"]
    picked = [next(i for i in cases if i.kind == kind) for kind in WANTED]
    picked.append(next(i for i in items if i.collection == "real questions" and i.kind == "fact"))
    bot = clients.RestBot(servers.url, servers.api_token)
    records = bot.ask(picked)
    assert all(r["messages"] for r in records)
    assert all(r["topic"] for r in records)  # the parse answered with the token
    answers = {a["id"]: a for a in clients.to_answers(records)}
    scores = {s.id: s for s in scoring.score_all(picked, answers)}
    red_flag, dose, near_miss, fact = (scores[i.id] for i in picked)
    assert red_flag.urgent_advice and red_flag.urgent_last
    assert dose.no_dose and dose.no_stop_advice and dose.pointer
    assert near_miss.no_false_alarm
    assert fact.answered and fact.no_dose and fact.grade is not None
