"""Load and validate the knowledge base in `data/knowledge/`.

This is the one loader: the action server, the NLU components and the tests all read the
medical content through `load_knowledge_base()`. Validation is strict on purpose: a missing
field, an unknown source or an empty answer must stop start-up, naming the file and entry,
rather than let the assistant say something unreviewed.
"""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from assistant.clinic import Clinic, load_clinic
from assistant.knowledge_files import PROJECT_ROOT, DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError, knowledge_dir, read_yaml
from assistant.lexicons import Lexicons, load_lexicons
from assistant.routing import Routing, load_routing

__all__ = [
    "PROJECT_ROOT",
    "DEFAULT_KNOWLEDGE_DIR",
    "KnowledgeBaseError",
    "KnowledgeBase",
    "knowledge_base",
    "load_knowledge_base",
]


@dataclass(frozen=True)
class Source:
    id: str
    name: str  # the short name a patient reads after "Source:" ("NHS", "FDA label for Celebrex")
    trace: str  # where the content team can check the fact
    url: str
    accessed: datetime.date
    title: str = ""  # the full title, for the content team
    kind: str = ""  # label, paper, guideline, page or service (scripts/check_sources.py)
    version: str = ""  # the guideline or label version the facts rest on, where it has one


@dataclass(frozen=True)
class Topic:
    intent: str
    title: str
    answer: str
    sources: Tuple[Source, ...]
    reviewed: datetime.date
    reviewed_by: str
    caregiver_answer: Optional[str] = None
    related: Tuple[str, ...] = ()
    # Read by people who may not have a rheumatologist yet: the pointer says how to get one.
    undiagnosed_readers: bool = False


@dataclass(frozen=True)
class DrugClass:
    id: str
    name: str
    words: Tuple[str, ...]
    sources: Tuple[Source, ...]
    reviewed: datetime.date
    reviewed_by: str
    includes: Tuple[str, ...] = ()
    path: str = ""
    next_steps: str = ""
    time_to_work: str = ""
    side_effects: str = ""
    # Said whenever a message names two medicines of the class ("can I take ibuprofen with
    # naproxen?"), whatever the topic: the danger of taking them together.
    together: str = ""


@dataclass(frozen=True)
class Medication:
    generic: str
    brands: Tuple[str, ...]
    other_names: Tuple[str, ...]
    drug_class: str
    given_as: str
    about: str
    safety_points: Tuple[str, ...]
    sources: Tuple[Source, ...]
    reviewed: datetime.date
    reviewed_by: str
    # Its most serious warning (a US boxed warning where the label has one): every reply that
    # names the medicine shows it, whatever was asked (about, side effects, timing, "I'm on X").
    key_warning: str = ""
    time_to_work: str = ""  # overrides the class text where the medicine differs (tablets vs injections)

    @property
    def names(self) -> Tuple[str, ...]:
        """Every name a person may use for this medicine."""
        return (self.generic.replace("_", " "),) + self.brands + self.other_names

    @property
    def display_name(self) -> str:
        generic = self.generic.replace("_", " ")
        return f"{generic} ({', '.join(self.brands[:2])})" if self.brands else generic

    @property
    def short_name(self) -> str:
        """The generic name, for buttons: brands differ between countries."""
        return self.generic.replace("_", " ")


# A trigger is a list of groups; a group is a list of phrases. See red_flags.yml.
Trigger = Tuple[Tuple[str, ...], ...]


@dataclass(frozen=True)
class RedFlag:
    id: str
    label: str
    advice: str  # starts with what to do, then why
    action: str  # the short line every red-flag reply ends with: the number to call, where to go
    sources: Tuple[Source, ...]
    reviewed: datetime.date
    reviewed_by: str
    triggers: Tuple[Trigger, ...]


@dataclass(frozen=True)
class ChecklistFactor:
    slot: str
    question: str
    caregiver_question: str
    label: str
    why: str
    caregiver_why: str
    sources: Tuple[Source, ...]


@dataclass(frozen=True)
class Checklist:
    factors: Tuple[ChecklistFactor, ...]
    texts: Dict[str, str]  # summary_intro, summary_none, scan_question, no_score, ...
    caregiver_texts: Dict[str, str]  # the same texts about "them", where they differ
    scan_sources: Tuple[Source, ...]
    answers: Dict[str, str]  # answer value -> button title
    reviewed: datetime.date
    reviewed_by: str


@dataclass(frozen=True)
class AppointmentQuestions:
    intro: str
    general: Tuple[str, ...]
    topics: Dict[str, str]
    topic_default: str
    medication: str
    checklist: str
    reviewed: datetime.date
    reviewed_by: str
    # The same questions about "them", for someone asking for another person.
    caregiver: Optional["AppointmentQuestions"] = None


@dataclass(frozen=True)
class KnowledgeBase:
    sources: Dict[str, Source]
    topics: Dict[str, Topic]
    drug_classes: Dict[str, DrugClass]
    medications: Dict[str, Medication]
    red_flags: Dict[str, RedFlag]  # in the order of the file: most urgent first
    frame: Dict[str, str]
    checklist: Checklist
    appointment: AppointmentQuestions
    routing: Routing  # routing.yml: follow-ups and class words, as data
    clinic: Clinic  # clinic.yml and its CLINIC_* overrides from the environment
    lexicons: Lexicons  # lexicons.yml: the word lists the rules read

    def all_texts(self) -> List[Tuple[str, str]]:
        """(where, text) for every sentence the knowledge base can put in front of a user."""
        texts = [(f"frame:{k}", v) for k, v in self.frame.items()]
        for t in self.topics.values():
            texts += [(f"topic:{t.intent}", t.answer), (f"topic:{t.intent}:title", t.title)]
            if t.caregiver_answer:
                texts.append((f"topic:{t.intent}:caregiver", t.caregiver_answer))
        for c in self.drug_classes.values():
            for name in ("path", "next_steps", "time_to_work", "side_effects"):
                if getattr(c, name):
                    texts.append((f"class:{c.id}:{name}", getattr(c, name)))
        for m in self.medications.values():
            texts += [
                (f"medication:{m.generic}:about", m.about),
                (f"medication:{m.generic}:key_warning", m.key_warning),
            ]
            if m.time_to_work:
                texts.append((f"medication:{m.generic}:time_to_work", m.time_to_work))
            texts += [(f"medication:{m.generic}:safety", p) for p in m.safety_points]
        for r in self.red_flags.values():
            texts += [(f"red_flag:{r.id}", r.advice), (f"red_flag:{r.id}:action", r.action)]
        texts += [
            (f"checklist:{f.slot}", t)
            for f in self.checklist.factors
            for t in (f.question, f.caregiver_question, f.why, f.caregiver_why)
        ]
        texts += [(f"checklist:{k}", v) for k, v in self.checklist.texts.items()]
        texts += [(f"checklist:{k}:caregiver", v) for k, v in self.checklist.caregiver_texts.items()]
        for a in (self.appointment, self.appointment.caregiver):
            if a:
                texts += [
                    ("appointment", t)
                    for t in (a.intro, *a.general, *a.topics.values(), a.topic_default, a.medication, a.checklist)
                ]
        return texts

    def class_members(self, class_id: str) -> Tuple[str, ...]:
        """The concrete classes a class word stands for ("biologic" → TNF and IL-17)."""
        return _members(self.drug_classes, class_id)


class _Entry:
    """Reads one entry's fields, turning every problem into a KnowledgeBaseError."""

    def __init__(self, path: Path, name: str, raw: Any, sources: Dict[str, Source]) -> None:
        if not isinstance(raw, dict):
            raise KnowledgeBaseError(path, name, "entry must be a mapping of fields")
        self.path, self.name, self.raw, self._sources = path, name, raw, sources

    def fail(self, problem: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(self.path, self.name, problem)

    def text(self, key: str, required: bool = True) -> str:
        value = self.raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{key}' is missing or empty")
        return " ".join(value.split())

    def texts(self, key: str, required: bool = False) -> Tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"'{key}' must be a list of non-empty texts")
        if required and not value:
            raise self.fail(f"'{key}' must not be empty")
        return tuple(" ".join(v.split()) for v in value)

    def sources(self) -> Tuple[Source, ...]:
        ids = self.texts("sources", required=True)
        unknown = [i for i in ids if i not in self._sources]
        if unknown:
            raise self.fail(f"unknown source(s) {unknown}; add them to sources.yml first")
        return tuple(self._sources[i] for i in ids)

    def date(self, key: str) -> datetime.date:
        value = self.raw.get(key)
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(f"'{key}' must be a date like 2026-11-25")
        return value

    def reviewed(self) -> datetime.date:
        return self.date("reviewed")

    def reviewed_by(self) -> str:
        """Who reviewed the entry: a role, such as "content team". Never left out."""
        return self.text("reviewed_by")

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false")
        return value


def _load_sources(path: Path) -> Dict[str, Source]:
    raw = read_yaml(path).get("sources")
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeBaseError(path, "", "expected a non-empty 'sources' mapping")
    sources = {}
    for sid, fields in raw.items():
        e = _Entry(path, sid, fields, {})
        url = e.text("url")
        if not url.startswith(("https://", "http://")) or " " in url:
            raise e.fail(f"'url' must be a web address starting with https://, got {url!r}")
        sources[sid] = Source(
            id=sid,
            name=e.text("name"),
            trace=e.text("trace"),
            url=url,
            accessed=e.date("accessed"),
            title=e.text("title", required=False),
            kind=e.text("kind", required=False),
            version=e.text("version", required=False),
        )
    return sources


def _load_topics(directory: Path, sources: Dict[str, Source]) -> Dict[str, Topic]:
    topics: Dict[str, Topic] = {}
    defined_in: Dict[str, Path] = {}
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise KnowledgeBaseError(directory, "", "no topic files found")
    for path in files:
        raw = read_yaml(path).get("topics")
        if not isinstance(raw, dict):
            raise KnowledgeBaseError(path, "", "expected a 'topics' mapping")
        for intent, fields in raw.items():
            if intent in topics:
                raise KnowledgeBaseError(path, intent, "defined twice")
            e = _Entry(path, intent, fields, sources)
            defined_in[intent] = path
            topics[intent] = Topic(
                intent=intent,
                title=e.text("title"),
                answer=e.text("answer"),
                caregiver_answer=e.text("caregiver_answer", required=False) or None,
                related=e.texts("related"),
                sources=e.sources(),
                reviewed=e.reviewed(),
                reviewed_by=e.reviewed_by(),
                undiagnosed_readers=e.flag("undiagnosed_readers"),
            )
    for t in topics.values():
        unknown = [r for r in t.related if r not in topics]
        if unknown:
            raise KnowledgeBaseError(defined_in[t.intent], t.intent, f"'related' names unknown topics {unknown}")
    return topics


def _load_medications(path: Path, sources: Dict[str, Source]):
    data = read_yaml(path)
    classes: Dict[str, DrugClass] = {}
    for cid, fields in (data.get("drug_classes") or {}).items():
        e = _Entry(path, cid, fields, sources)
        includes = e.texts("includes")
        classes[cid] = DrugClass(
            id=cid,
            name=e.text("name"),
            words=tuple(w.lower() for w in e.texts("words", required=True)),
            includes=includes,
            # A group class ("biologic") borrows the texts of its members.
            path=e.text("path", required=not includes),
            next_steps=e.text("next_steps", required=not includes),
            time_to_work=e.text("time_to_work", required=not includes),
            side_effects=e.text("side_effects", required=not includes),
            together=e.text("together", required=False),
            sources=e.sources(),
            reviewed=e.reviewed(),
            reviewed_by=e.reviewed_by(),
        )
    if not classes:
        raise KnowledgeBaseError(path, "", "expected a non-empty 'drug_classes' mapping")
    for c in classes.values():
        if any(i not in classes for i in c.includes):
            raise KnowledgeBaseError(path, c.id, f"'includes' names an unknown class: {c.includes}")
    meds: Dict[str, Medication] = {}
    for generic, fields in (data.get("medications") or {}).items():
        e = _Entry(path, generic, fields, sources)
        cls = e.text("class")
        if cls not in classes or classes[cls].includes:
            raise e.fail(f"'class' must be one of the concrete drug classes, not '{cls}'")
        meds[generic] = Medication(
            generic=generic,
            brands=e.texts("brands"),
            other_names=e.texts("other_names"),
            drug_class=cls,
            given_as=e.text("given_as"),
            about=e.text("about"),
            safety_points=e.texts("safety_points", required=True),
            key_warning=e.text("key_warning"),
            sources=e.sources(),
            reviewed=e.reviewed(),
            reviewed_by=e.reviewed_by(),
            time_to_work=e.text("time_to_work", required=False),
        )
    if not meds:
        raise KnowledgeBaseError(path, "", "expected a non-empty 'medications' mapping")
    return classes, meds


def _load_red_flags(path: Path, sources, classes, meds) -> Dict[str, RedFlag]:
    raw = read_yaml(path).get("red_flags")
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeBaseError(path, "", "expected a non-empty 'red_flags' mapping")

    def names_of_classes(e: _Entry, class_ids: Any) -> Tuple[str, ...]:
        if not isinstance(class_ids, list) or any(c not in classes for c in class_ids):
            raise e.fail(f"'drug_classes' in a trigger must list known classes, got {class_ids}")
        concrete = {m for c in class_ids for m in _members(classes, c)}
        words = [w for c in class_ids for w in classes[c].words]
        return tuple(words + [n.lower() for m in meds.values() if m.drug_class in concrete for n in m.names])

    flags = {}
    for fid, fields in raw.items():
        e = _Entry(path, fid, fields, sources)
        triggers = []
        for trigger in fields.get("triggers") or []:
            if not isinstance(trigger, list) or not trigger:
                raise e.fail("each trigger must be a non-empty list of phrase groups")
            groups = []
            for group in trigger:
                if isinstance(group, dict):
                    groups.append(names_of_classes(e, group.get("drug_classes")))
                elif isinstance(group, list) and group and all(isinstance(p, str) and p.strip() for p in group):
                    groups.append(tuple(p.lower().strip() for p in group))
                else:
                    raise e.fail(f"a trigger group must be a list of phrases or {{drug_classes: [...]}}, got {group!r}")
            triggers.append(tuple(groups))
        if not triggers:
            raise e.fail("'triggers' is missing or empty")
        flags[fid] = RedFlag(
            id=fid,
            label=e.text("label"),
            advice=e.text("advice"),
            action=e.text("action"),
            sources=e.sources(),
            reviewed=e.reviewed(),
            reviewed_by=e.reviewed_by(),
            triggers=tuple(triggers),
        )
    return flags


def _members(classes: Dict[str, DrugClass], cid: str) -> Tuple[str, ...]:
    inc = classes[cid].includes
    return (cid,) if not inc else tuple(m for i in inc for m in _members(classes, i))


def _load_frame(path: Path) -> Dict[str, str]:
    data = read_yaml(path)
    review = _Entry(path, "frame", data, {})
    review.reviewed(), review.reviewed_by()  # the file's review is recorded at its top level
    raw = data.get("frame")
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(path, "", "expected a 'frame' mapping")
    frame = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeBaseError(path, key, "must be a non-empty text")
        frame[key] = " ".join(value.split())
    missing = REQUIRED_FRAME - set(frame)
    if missing:
        raise KnowledgeBaseError(path, "", f"missing frame sentences {sorted(missing)}")
    return frame


# The sentences the renderer puts around answers; see answer_frame.yml.
REQUIRED_FRAME = {
    "source_prefix",
    "referral",
    "referral_caregiver",
    "referral_undiagnosed",
    "referral_undiagnosed_caregiver",
    "caregiver_intro",
    "dose_mentioned",
    "second_question",
    "close_call",
    "red_flag_intro",
    "red_flag_unspecified",
    "red_flag_unspecified_action",
    "red_flag_basis",
    "red_flag_basis_own",
    "red_flag_team",
    "more_ask_drug_info",
    "more_ask_drug_side_effects",
    "more_inform_current_medication",
    "more_ask_time_to_work",
    "medication_intro",
    "medication_given_as",
    "medication_key_warning",
    "medication_safety",
    "medication_key_points",
    "medication_path",
    "medication_next",
    "medication_time_to_work",
    "class_intro",
    "session_notice",
    "did_you_mean",
    "something_else",
    "rephrase",
    "no_reply",
    "truncated",
    "unreadable",
}


CHECKLIST_TEXTS = (
    "summary_intro",
    "summary_none",
    "summary_not_sure",
    "scan_question",
    "no_score",
    "unclear_help",
    "stopped",
)
# The checklist texts that speak of "you", and so have a caregiver version about "them".
CHECKLIST_CAREGIVER_TEXTS = ("summary_none", "scan_question", "no_score")


def _load_checklist(path: Path, sources: Dict[str, Source]) -> Checklist:
    raw = read_yaml(path).get("checklist") or {}
    e = _Entry(path, "checklist", raw, sources)
    factors = []
    for i, item in enumerate(raw.get("factors") or []):
        f = _Entry(path, f"factors[{i}]", item, sources)
        factors.append(
            ChecklistFactor(
                f.text("slot"),
                f.text("question"),
                f.text("caregiver_question"),
                f.text("label"),
                f.text("why"),
                f.text("caregiver_why"),
                f.sources(),
            )
        )
    if not factors:
        raise e.fail("'factors' is missing or empty")
    texts = {k: e.text(k) for k in CHECKLIST_TEXTS}
    c = _Entry(path, "checklist.caregiver", raw.get("caregiver"), sources)
    caregiver_texts = {k: c.text(k) for k in CHECKLIST_CAREGIVER_TEXTS}
    scan_sources = _Entry(path, "checklist", {"sources": raw.get("scan_sources")}, sources).sources()
    answers = raw.get("answers")
    if not isinstance(answers, dict) or set(answers) != {"yes", "no", "not_sure"}:
        raise e.fail("'answers' must give button titles for yes, no and not_sure")
    return Checklist(tuple(factors), texts, caregiver_texts, scan_sources, dict(answers), e.reviewed(), e.reviewed_by())


def _load_appointment(path: Path) -> AppointmentQuestions:
    raw = read_yaml(path).get("appointment") or {}
    e = _Entry(path, "appointment", raw, {})
    return _appointment_questions(path, raw, e.reviewed(), e.reviewed_by(), raw.get("caregiver"))


def _appointment_questions(
    path: Path, raw: Any, reviewed: datetime.date, reviewed_by: str, caregiver: Any = None
) -> AppointmentQuestions:
    e = _Entry(path, "appointment", raw, {})
    topics = raw.get("topics") or {}
    if not isinstance(topics, dict) or not all(isinstance(v, str) and v.strip() for v in topics.values()):
        raise e.fail("'topics' must map topic intents to questions")
    return AppointmentQuestions(
        intro=e.text("intro"),
        general=e.texts("general", required=True),
        topics=dict(topics),
        topic_default=e.text("topic_default"),
        medication=e.text("medication"),
        checklist=e.text("checklist"),
        reviewed=reviewed,
        reviewed_by=reviewed_by,
        caregiver=_appointment_questions(path, caregiver, reviewed, reviewed_by) if caregiver else None,
    )


def load_knowledge_base(directory: Optional[Path] = None, environ: Optional[Mapping[str, str]] = None) -> KnowledgeBase:
    """Read and validate every knowledge file; raise KnowledgeBaseError on the first problem.
    `environ` (default os.environ) holds the clinic's CLINIC_* overrides."""
    d = knowledge_dir(directory)
    for name in (
        "sources.yml",
        "medications.yml",
        "red_flags.yml",
        "answer_frame.yml",
        "bone_health_checklist.yml",
        "appointment_questions.yml",
        "routing.yml",
        "clinic.yml",
        "lexicons.yml",
    ):
        if not (d / name).is_file():
            raise KnowledgeBaseError(d / name, "", "file is missing")
    sources = _load_sources(d / "sources.yml")
    topics = _load_topics(d / "topics", sources)
    classes, meds = _load_medications(d / "medications.yml", sources)
    red_flags = _load_red_flags(d / "red_flags.yml", sources, classes, meds)
    frame = _load_frame(d / "answer_frame.yml")
    checklist = _load_checklist(d / "bone_health_checklist.yml", sources)
    appointment = _load_appointment(d / "appointment_questions.yml")
    unknown = [t for t in appointment.topics if t not in topics]
    unknown += [t for t in (appointment.caregiver.topics if appointment.caregiver else {}) if t not in topics]
    if unknown:
        raise KnowledgeBaseError(d / "appointment_questions.yml", "topics", f"unknown topics {unknown}")
    routing = load_routing(d / "routing.yml", topics, classes)
    return KnowledgeBase(
        sources,
        topics,
        classes,
        meds,
        red_flags,
        frame,
        checklist,
        appointment,
        routing,
        load_clinic(d, environ),
        load_lexicons(d / "lexicons.yml"),
    )


@functools.lru_cache(maxsize=None)
def knowledge_base() -> KnowledgeBase:
    """The validated knowledge base of this process, loaded once."""
    return load_knowledge_base()
