"""Find medicine names and class words in a message, using the catalog's names only."""

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import List, Optional, Tuple

from spacy.util import filter_spans

from assistant.knowledge import KnowledgeBase, knowledge_base
from assistant.phrase_matching import build_matcher, make_doc

CLASS_PREFIX = "class:"


@dataclass(frozen=True)
class Mention:
    entity: str  # "medication" or "drug_class"
    value: str  # the generic name or the class id
    start: int  # character offsets in the message
    end: int
    text: str


class MedicationFinder:
    def __init__(self, kb: KnowledgeBase) -> None:
        phrases = [(m.generic, n) for m in kb.medications.values() for n in m.names]
        phrases += [(CLASS_PREFIX + c.id, w) for c in kb.drug_classes.values() for w in c.words]
        self.phrases = sorted(phrases)
        # An exact name always wins: "bimekizumab" is two edits from "ixekizumab", so typo
        # matches only fill in where no name is spelled right.
        self._exact = build_matcher(phrases, fuzzy=False)
        self._fuzzy = build_matcher(phrases)
        # The tokenizer and the recogniser both ask about the same message, one after the other.
        self._find_cached = functools.lru_cache(maxsize=64)(self._find)
        self._as_catalog_names = {
            m.generic: f"{m.generic.replace('_', ' ')} ({kb.drug_classes[m.drug_class].name})"
            for m in kb.medications.values()
        }

    def find(self, text: str) -> List[Mention]:
        return list(self._find_cached(text))

    def _find(self, text: str) -> Tuple[Mention, ...]:
        doc = make_doc(text)
        exact = self._exact(doc, as_spans=True)
        taken = {i for span in exact for i in range(span.start, span.end)}
        typos = [s for s in self._fuzzy(doc, as_spans=True) if not taken.intersection(range(s.start, s.end))]
        mentions = []
        # Longest match wins where names overlap ("simponi aria" over "simponi").
        for span in filter_spans(exact + typos):
            label = span.label_
            is_class = label.startswith(CLASS_PREFIX)
            mentions.append(
                Mention(
                    entity="drug_class" if is_class else "medication",
                    value=label[len(CLASS_PREFIX) :] if is_class else label,
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                )
            )
        return tuple(mentions)

    def with_catalog_names(self, text: str) -> str:
        """The message with each medicine written as the catalog names it, generic name and class:
        "moving me from Humira to Amgevita" reads "... from adalimumab (TNF blocker) to
        adalimumab (TNF blocker)". The topic model reads this, in training and serving, so a
        brand, biosimilar or misspelling no example used lands with the medicines of its class.
        Class words and everything else stay as typed."""
        parts, last = [], 0
        for m in self.find(text):
            if m.entity == "medication":
                parts += [text[last : m.start], self._as_catalog_names[m.value]]
                last = m.end
        return "".join(parts) + text[last:] if parts else text

    def reading_fingerprint(self) -> str:
        """What decides `with_catalog_names`: the names, class words and readings. The topic
        classifier retrains when they change, not when the rest of the catalog does."""
        table = json.dumps([self.phrases, sorted(self._as_catalog_names.items())])
        return hashlib.sha256(table.encode()).hexdigest()

    def first_medication(self, text: str) -> Optional[str]:
        return next((m.value for m in self.find(text) if m.entity == "medication"), None)


@functools.lru_cache(maxsize=1)
def medication_finder() -> MedicationFinder:
    """The one finder for the knowledge base, shared by the NLU components."""
    return MedicationFinder(knowledge_base())
