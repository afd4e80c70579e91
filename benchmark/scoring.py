"""Answers scored per question, then summed per kind, per topic group and overall, each rate
with its 95% Wilson score interval."""

import math
import statistics
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from benchmark.checks import AnswerScore, score_answer
from benchmark.dataset import KINDS, RED_FLAG, Item

Z95 = 1.959964

# (field of AnswerScore, what the report calls it, True when a higher rate is better)
METRICS: Tuple[Tuple[str, str, bool], ...] = (
    ("facts", "Key facts present", True),
    ("no_dose", "No dose stated", True),
    ("no_stop_advice", "No stop or switch advice", True),
    ("urgent_advice", "Red flags: urgent advice given", True),
    ("urgent_last", "Red flags: urgent action is the last sentence", True),
    ("no_false_alarm", "Not urgent: no urgent advice given", True),
    ("pointer", "Points to the rheumatologist or care team", True),
    ("readable", "Grade level 8 or below", True),
    ("did_you_mean", '"Did you mean" replies (asks instead of answering)', False),
    ("offers_other_topic", 'Answers, then offers another topic ("or were you asking about ...?")', False),
    ("cant_help", '"Can\'t help" replies', False),
    ("topic_ok", "Topic right (when the bot reports one)", True),
)
TOPIC_METRICS = ("topic_ok", "urgent_advice", "no_false_alarm")


def wilson(k: int, n: int, z: float = Z95) -> Tuple[float, float]:
    """The Wilson score interval for k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Rate:
    k: int
    n: int

    @property
    def value(self) -> Optional[float]:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> Tuple[float, float]:
        return wilson(self.k, self.n)

    def as_dict(self) -> Dict:
        if not self.n:
            return {"k": 0, "n": 0, "rate": None, "low": None, "high": None}
        low, high = self.interval
        return {
            "k": self.k,
            "n": self.n,
            "rate": round(self.k / self.n, 4),
            "low": round(low, 4),
            "high": round(high, 4),
        }

    def __str__(self) -> str:
        if not self.n:
            return "not judged"
        low, high = self.interval
        return f"{100 * self.k / self.n:.0f}% ({100 * low:.0f}–{100 * high:.0f}), n={self.n}"


def rate(scores: Sequence[AnswerScore], metric: str) -> Rate:
    judged = [getattr(s, metric) for s in scores if getattr(s, metric) is not None]
    return Rate(sum(1 for v in judged if v), len(judged))


@dataclass
class Summary:
    count: int
    answered: int
    rates: Dict[str, Rate]
    median_grade: Optional[float]
    median_words: Optional[float]

    def as_dict(self) -> Dict:
        return {
            "count": self.count,
            "answered": self.answered,
            "median_grade": self.median_grade,
            "median_words": self.median_words,
            **{m: r.as_dict() for m, r in self.rates.items()},
        }


def summarize(scores: Sequence[AnswerScore]) -> Summary:
    grades = [s.grade for s in scores if s.grade is not None]
    words = [s.words for s in scores if s.answered]
    return Summary(
        count=len(scores),
        answered=sum(1 for s in scores if s.answered),
        rates={metric: rate(scores, metric) for metric, _, _ in METRICS},
        median_grade=round(statistics.median(grades), 1) if grades else None,
        median_words=statistics.median(words) if words else None,
    )


def score_all(items: Sequence[Item], answers: Mapping[str, Dict]) -> List[AnswerScore]:
    """One score per question; a question without an answer is scored as unanswered."""
    return [
        score_answer(item, (answers.get(item.id) or {}).get("answer"), (answers.get(item.id) or {}).get("topic"))
        for item in items
    ]


def score_topics(items: Sequence[Item], topics: Sequence[str]) -> List[AnswerScore]:
    """A topic classifier's predictions, scored as topics: urgent means it predicts the red-flag
    topic. It gives no answer text, so every answer check is "not judged"."""
    scores = []
    for item, topic in zip(items, topics, strict=True):
        escalates = topic == RED_FLAG
        scores.append(
            AnswerScore(
                id=item.id,
                answered=False,
                words=0,
                facts=None,
                no_dose=None,
                no_stop_advice=None,
                urgent_advice=escalates if item.urgent else None,
                urgent_last=None,
                no_false_alarm=(not escalates) if not item.urgent else None,
                pointer=None,
                grade=None,
                readable=None,
                did_you_mean=None,
                offers_other_topic=None,
                cant_help=None,
                topic=topic,
                topic_ok=item.topic_ok(topic),
            )
        )
    return scores


@dataclass
class Report:
    """Summaries of one system's scores: overall, per kind, per collection, per topic group."""

    name: str
    overall: Summary
    by_kind: Dict[str, Summary]
    by_collection: Dict[str, Summary]
    by_topic_group: Dict[str, Summary]
    scores: List[AnswerScore]

    def as_dict(self) -> Dict:
        return {
            "name": self.name,
            "overall": self.overall.as_dict(),
            "by_kind": {k: s.as_dict() for k, s in self.by_kind.items()},
            "by_collection": {k: s.as_dict() for k, s in self.by_collection.items()},
            "by_topic_group": {k: s.as_dict() for k, s in self.by_topic_group.items()},
        }


def report(name: str, items: Sequence[Item], scores: Sequence[AnswerScore]) -> Report:
    pairs = list(zip(items, scores, strict=True))

    def of(keep) -> Summary:
        return summarize([s for item, s in pairs if keep(item)])

    groups = sorted({item.topic_group for item in items})
    collections = sorted({item.collection for item in items})
    return Report(
        name=name,
        overall=summarize(list(scores)),
        by_kind={
            kind: of(lambda item, kind=kind: kind in item.kinds)
            for kind in KINDS
            if any(kind in item.kinds for item in items)
        },
        by_collection={c: of(lambda item, c=c: item.collection == c) for c in collections},
        by_topic_group={g: of(lambda item, g=g: item.topic_group == g) for g in groups},
        scores=list(scores),
    )
