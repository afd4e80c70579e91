"""The benchmark's questions: the sealed test half, read in place, and the safety cases.

There is one copy of each question: the real questions stay in tests/real_questions/test.yml
(unchanged; the benchmark only reads them) and the safety cases in
benchmark/data/safety_cases.yml. Ids are derived from the text, so they are the same on every
machine and in every run: "rq-" or "sc-" and the first 10 hex digits of the SHA-1 of the text
with its spaces collapsed.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL_QUESTIONS = ROOT / "tests" / "real_questions" / "test.yml"
SAFETY_CASES = Path(__file__).resolve().parent / "data" / "safety_cases.yml"

# A message of this many words or more is a long story (as scripts/evaluate_understanding.py counts).
LONG_WORDS = 25

RED_FLAG = "report_red_flag"
DOSE = "ask_dosage"
STOP = "ask_stop_medication"
OUT_OF_SCOPE = ("out_of_scope", "non_english")

# The kinds, in report order. An item has one main kind (the first four and "symptom question"
# for the near misses) and may carry the last three as well.
KINDS = ("fact", "safety", "red flag", "out of scope", "symptom question", "long story", "caregiver")
KIND_NOTES = {
    "fact": "an educational question: the answer should carry the key facts",
    "safety": "asks for a dose, or to stop, skip, double or switch a medicine",
    "red flag": "reports an urgent symptom happening now: the answer must give urgent advice",
    "out of scope": "no topic of AS answers it (or it is not in English)",
    "symptom question": "a general or long-standing question about a serious symptom: must not escalate",
    "long story": f"{LONG_WORDS} words or more",
    "caregiver": "written about someone else",
}

# Topic groups for the report: a topic label (intent) belongs to the first group with a prefix of it.
TOPIC_GROUPS: Dict[str, Tuple[str, ...]] = {
    "Bone marrow edema": ("ask_bme_",),
    "Bone health": ("ask_osteoporosis", "ask_bone_density", "check_osteoporosis_risk"),
    "Dose and stop requests": (DOSE, STOP),
    "Medicines and treatment": (
        "ask_nsaid",
        "ask_dmards",
        "ask_biologic",
        "ask_jak_inhibitors",
        "ask_steroid_injections",
        "ask_biosimilars",
        "ask_drug_",
        "ask_time_to_work",
        "ask_treatment_options",
        "inform_current_medication",
        "ask_tapering",
        "ask_infections_vaccines",
    ),
    "About AS and its symptoms": ("ask_as_", "ask_pain_types", "ask_symptom_link", "ask_flare", "ask_fatigue_sleep"),
    "Living with AS": (
        "ask_work_daily_life",
        "ask_diet",
        "ask_alcohol",
        "ask_smoking",
        "ask_physical_therapy",
        "ask_mental_health",
        "ask_pregnancy",
        "ask_surgery",
    ),
    "Care and services": (
        "ask_rheumatologist",
        "ask_cost_access",
        "prepare_appointment",
        "request_visit_summary",
        "ask_contact_clinic",
    ),
    "Red flags": (RED_FLAG,),
    "Out of scope": OUT_OF_SCOPE,
}


def topic_group(intent: Optional[str]) -> str:
    if not intent:
        return "Near misses (no topic label)"
    for group, prefixes in TOPIC_GROUPS.items():
        if intent.startswith(prefixes):
            return group
    return "Other"


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    collection: str  # "real questions" or "safety cases"
    kinds: Tuple[str, ...]
    intent: Optional[str] = None  # the topic label; None where no topic is labelled
    also_ok: Tuple[str, ...] = ()
    facts: Tuple[Tuple[str, ...], ...] = ()
    voice: str = "patient"
    source: str = ""
    part: str = ""
    flag: str = ""  # for safety cases of kind red flag: the row of the red-flag table

    @property
    def kind(self) -> str:
        return self.kinds[0]

    @property
    def urgent(self) -> bool:
        """The answer must give urgent advice (and no other answer may)."""
        return "red flag" in self.kinds

    @property
    def topic_group(self) -> str:
        return topic_group(self.intent)

    def topic_ok(self, topic: Optional[str]) -> Optional[bool]:
        if self.intent is None or topic is None:
            return None
        return topic == self.intent or topic in self.also_ok


def question_id(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(' '.join(text.split()).encode('utf-8')).hexdigest()[:10]}"


def _extra_kinds(text: str, voice: str, symptom_question: bool) -> List[str]:
    extra = ["symptom question"] if symptom_question else []
    if len(text.split()) >= LONG_WORDS:
        extra.append("long story")
    if voice == "caregiver":
        extra.append("caregiver")
    return extra


def real_question_kind(question: Dict) -> str:
    intent = question["intent"]
    if intent == RED_FLAG:
        return "red flag"
    if intent in (DOSE, STOP) or question.get("change_request"):
        return "safety"
    if intent in OUT_OF_SCOPE:
        return "out of scope"
    return "fact"


def real_questions(path: Path = REAL_QUESTIONS) -> List[Item]:
    items = []
    for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
        voice = q.get("voice", "patient")
        kinds = [real_question_kind(q)] + _extra_kinds(q["text"], voice, bool(q.get("asking_about_symptom")))
        items.append(
            Item(
                id=question_id("rq", q["text"]),
                text=q["text"],
                collection="real questions",
                kinds=tuple(kinds),
                intent=q["intent"],
                also_ok=tuple(q.get("also_ok") or ()),
                facts=tuple(tuple(str(w) for w in group) for group in q.get("facts") or ()),
                voice=voice,
                source=q.get("source", ""),
                part=q.get("part", "split"),
            )
        )
    return items


# Safety cases: kind -> (main kind, topic label, other acceptable topics)
CASE_KINDS = {
    "red_flag": ("red flag", RED_FLAG, ()),
    "dose": ("safety", DOSE, (STOP,)),
    "stop": ("safety", STOP, (DOSE, "ask_tapering")),
    "near_miss": ("symptom question", None, ()),
}


def safety_cases(path: Path = SAFETY_CASES) -> List[Item]:
    items = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        kind, intent, also_ok = CASE_KINDS[case["kind"]]
        voice = case.get("voice", "patient")
        extra = [k for k in _extra_kinds(case["text"], voice, False) if k != kind]
        items.append(
            Item(
                id=question_id("sc", case["text"]),
                text=case["text"],
                collection="safety cases",
                kinds=(kind, *extra),
                intent=intent,
                also_ok=also_ok,
                voice=voice,
                flag=case.get("flag", ""),
            )
        )
    return items


def load_items(real: Path = REAL_QUESTIONS, cases: Path = SAFETY_CASES) -> List[Item]:
    items = real_questions(real) + safety_cases(cases)
    check_unique_ids(items)
    return items


def check_unique_ids(items: Sequence[Item]) -> None:
    seen: Dict[str, str] = {}
    for item in items:
        if item.id in seen:
            raise ValueError(f"two questions share the id {item.id}: {seen[item.id]!r} and {item.text!r}")
        seen[item.id] = item.text
