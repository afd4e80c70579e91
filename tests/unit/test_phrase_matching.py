"""Text a broken client can send still goes through the phrase matchers."""

import json

from assistant.medications import medication_finder
from assistant.phrase_matching import make_doc
from assistant.red_flags import RedFlagDetector


def test_a_lone_surrogate_reads_as_one_character_and_offsets_still_hold(kb):
    text = json.loads('"\\ud83d what is Humira"')  # half an emoji, as a client sent it
    assert len(make_doc(text).text) == len(text)
    [found] = [m for m in medication_finder().find(text) if m.entity == "medication"]
    assert text[found.start : found.end] == "Humira"
    assert RedFlagDetector(kb).find(text) == []
