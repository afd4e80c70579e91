"""Every medicine in the catalog can be explained, with its source and referral, never a dose."""
import pytest

from assistant.answers import MEDICATION_INTENTS, educational_reply
from assistant.knowledge import load_knowledge_base
from assistant.text_checks import DOSE_PATTERN, advises_medicine_change

KB = load_knowledge_base()


@pytest.mark.parametrize("generic", sorted(KB.medications))
@pytest.mark.parametrize("intent", sorted(MEDICATION_INTENTS))
def test_every_medicine_answers_every_medicine_question(generic, intent):
    text = educational_reply(KB, intent, medication=generic).text
    med = KB.medications[generic]
    assert med.generic.replace("_", " ") in text.lower()
    assert "\n\nSource: " in text and text.endswith(KB.frame["referral"])
    assert not DOSE_PATTERN.search(text) and not advises_medicine_change(text)


@pytest.mark.parametrize("class_id", sorted(c for c, v in KB.drug_classes.items() if not v.includes))
def test_path_explainer_for_each_class(class_id):
    generic = next(m.generic for m in KB.medications.values() if m.drug_class == class_id)
    text = educational_reply(KB, "inform_current_medication", "I'm on it and it's not helping", generic).text
    cls = KB.drug_classes[class_id]
    assert cls.path in text and cls.next_steps in text


def test_path_reflects_the_guidelines():
    path = {c: KB.drug_classes[c].path.lower() + " " + KB.drug_classes[c].next_steps.lower() for c in KB.drug_classes}
    assert "two" in path["nsaid"]  # two NSAIDs before calling them not working
    assert "spine" in path["csdmard"]  # conventional DMARDs only for joints outside the spine
    assert "tnf" in path["jak_inhibitor"]  # JAK inhibitors usually after a TNF blocker
    assert "uveitis" in path["tnf_blocker"] or "bowel" in path["tnf_blocker"]


def test_class_word_without_a_medicine_uses_the_class():
    text = educational_reply(KB, "ask_time_to_work", "how long do biologics take", drug_class="biologic").text
    assert KB.drug_classes["tnf_blocker"].time_to_work in text or KB.drug_classes["biologic"].time_to_work in text
