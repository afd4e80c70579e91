"""The intent rules: one ordered table of named, pure rules over a parsed message.

They decide only what must not be left to a model: the safety replies (red flags, dose and
stop or switch questions), conversation control (`stop`) and the language of the message.
They never pick an educational topic: at most they rule one of the safety or control intents
out, and the classifier's next guess stands (then the fallback judges it as usual).

Each rule reads a `Parse` (text, the classifier's ranking, the medicines found) and returns a
`Verdict` or None. `apply_rules` runs them in table order; a later override wins, so the
red-flag rule, last, wins over everything. components/intent_rules.py is the Rasa side;
tests/unit/test_intent_rules.py holds each rule's positives and negatives
(tests/fixtures/intent_rules.yml), and `make test-nlu` prints how often each fires on dev.
"""

from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

Ranking = List[Dict]  # [{"name": intent, "confidence": p}, ...], best first


@dataclass(frozen=True)
class Parse:
    text: str
    ranking: Ranking
    medicines: Tuple[Dict, ...] = ()  # the recogniser's `medication` and `drug_class` entities
    entities: Tuple[Dict, ...] = ()  # entities a rule adds (red flags)
    fired: Tuple[str, ...] = ()  # the names of the rules that changed something, in order
    ruled_out: Tuple[str, ...] = ()

    @property
    def top(self) -> Optional[str]:
        return self.ranking[0]["name"] if self.ranking else None

    def support(self, intent: str) -> float:
        """The classifier's confidence in `intent` (0 when it is not ranked)."""
        return max((r.get("confidence") or 0.0 for r in self.ranking if r.get("name") == intent), default=0.0)

    def names_medicine(self, kinds: Tuple[str, ...] = ("medication", "drug_class")) -> bool:
        return any(e.get("entity") in kinds for e in self.medicines)


@dataclass(frozen=True)
class Verdict:
    override: Optional[str] = None  # set this intent with full confidence
    rule_out: Tuple[str, ...] = ()  # drop these intents from the ranking, the rest rescaled
    entities: Tuple[Dict, ...] = field(default=())


Rule = Callable[[Parse], Optional[Verdict]]


def _ruled_out(ranking: Ranking, intents: Sequence[str]) -> Ranking:
    kept = [r for r in ranking if r.get("name") not in intents]
    left = sum(r.get("confidence") or 0.0 for r in kept)
    total = sum(r.get("confidence") or 0.0 for r in ranking)
    if not kept or left <= 0:
        return kept
    # What the classifier thinks, given it is none of them: the same total, shared as before.
    return [{**r, "confidence": (r.get("confidence") or 0.0) * total / left} for r in kept]


def apply_verdict(parse: Parse, name: str, verdict: Optional[Verdict]) -> Parse:
    if verdict is None or not (verdict.override or verdict.rule_out or verdict.entities):
        return parse
    ranking = parse.ranking
    ruled_out = parse.ruled_out + tuple(verdict.rule_out)
    if verdict.rule_out:
        ranking = _ruled_out(ranking, ruled_out)
    if verdict.override:
        ranking = [{"name": verdict.override, "confidence": 1.0}] + [
            r for r in ranking if r.get("name") != verdict.override
        ]
    # A rule fired when it changed the answer or added what the answer reads (red-flag entities).
    changed = bool(ranking) and (not parse.ranking or ranking[0]["name"] != parse.ranking[0]["name"])
    return replace(
        parse,
        ranking=ranking,
        ruled_out=ruled_out,
        entities=parse.entities + tuple(verdict.entities),
        fired=parse.fired + ((name,) if changed or verdict.entities else ()),
    )


def apply_rules(parse: Parse, rules: Optional[Sequence[Tuple[str, Rule]]] = None) -> Parse:
    from assistant.rules.table import RULES

    for name, rule in RULES if rules is None else rules:
        parse = apply_verdict(parse, name, rule(parse))
    return parse
