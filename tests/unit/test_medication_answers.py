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
    reply = educational_reply(KB, "inform_current_medication", "I'm on it and it's not helping", generic)
    cls = KB.drug_classes[class_id]
    assert cls.path in reply.text
    # The questions to ask come when they fit in the body; otherwise the reply is full.
    assert cls.next_steps in reply.text or len(reply.body.split()) + len(cls.next_steps.split()) > 150


def test_path_reflects_the_guidelines():
    path = {c: KB.drug_classes[c].path.lower() + " " + KB.drug_classes[c].next_steps.lower() for c in KB.drug_classes}
    assert "two" in path["nsaid"]  # two NSAIDs before calling them not working...
    assert "cannot take" in path["nsaid"]  # ...unless NSAIDs cannot be taken
    assert "spine" in path["csdmard"]  # conventional DMARDs only for joints outside the spine
    assert "tnf" in path["jak_inhibitor"]  # JAK inhibitors usually after a TNF blocker
    assert "uveitis" in path["tnf_blocker"] or "bowel" in path["tnf_blocker"]


def test_class_word_without_a_medicine_uses_the_class():
    text = educational_reply(KB, "ask_time_to_work", "how long do biologics take", drug_class="biologic").text
    assert KB.drug_classes["tnf_blocker"].time_to_work in text or KB.drug_classes["biologic"].time_to_work in text


def test_brand_names_keep_their_capitals():
    text = educational_reply(KB, "ask_drug_info", medication="upadacitinib").text
    assert text.startswith("Upadacitinib (Rinvoq) is given as")
    assert "(rinvoq)" not in text
    assert educational_reply(KB, "ask_drug_side_effects", medication="adalimumab").text.count("(Humira") == 1


@pytest.mark.parametrize("generic", sorted(KB.medications))
def test_a_side_effect_question_gets_side_effects_first(generic):
    reply = educational_reply(KB, "ask_drug_side_effects", medication=generic)
    assert reply.body.startswith(KB.frame["medication_safety"] + " " + KB.medications[generic].key_warning)


@pytest.mark.parametrize("generic", sorted(KB.medications))
def test_more_detail_is_one_button_away(generic):
    """ "What is X?" is short; side effects, where it fits and timing are its "More about" buttons."""
    reply = educational_reply(KB, "ask_drug_info", medication=generic)
    med = KB.medications[generic]
    payloads = [b["payload"] for b in reply.buttons]
    assert payloads == ["/ask_drug_side_effects", "/inform_current_medication", "/ask_time_to_work"]
    assert all(b["title"].startswith(f"More about {med.short_name}") for b in reply.buttons)
    assert all(p not in reply.body for p in med.safety_points[2:])
    full = educational_reply(KB, "ask_drug_side_effects", medication=generic)
    assert all(p in full.body for p in med.safety_points)


def test_the_class_text_and_the_medicine_text_are_not_both_shown():
    """The medicine's own points are its side effects; the class list would repeat them."""
    reply = educational_reply(KB, "ask_drug_side_effects", medication="upadacitinib")
    assert KB.drug_classes["jak_inhibitor"].side_effects not in reply.text
    assert reply.text.count("hepatitis B") == 1


def test_prednisone_gets_tablet_text_not_injection_text():
    text = educational_reply(KB, "ask_time_to_work", medication="prednisone").text
    assert "injection" not in text and KB.medications["prednisone"].time_to_work in text


@pytest.mark.parametrize(
    "generic",
    ["meloxicam", "aceclofenac", "ibuprofen", "naproxen", "diclofenac", "celecoxib", "etoricoxib", "indomethacin"],
)
def test_every_nsaid_has_a_pregnancy_point(generic):
    assert any("pregnant" in p for p in KB.medications[generic].safety_points)


def test_arthrotec_is_never_for_pregnancy():
    assert any("Arthrotec must not be used in pregnancy" in p for p in KB.medications["diclofenac"].safety_points)


@pytest.mark.parametrize(
    "generic, brand",
    [
        ("apremilast", "Otezla"),
        ("ustekinumab", "Stelara"),
        ("guselkumab", "Tremfya"),
        ("risankizumab", "Skyrizi"),
        ("tocilizumab", "Actemra"),
    ],
)
def test_medicines_not_used_for_as_say_so_and_why(generic, brand):
    med = KB.medications[generic]
    assert brand in med.brands
    text = educational_reply(KB, "ask_drug_info", medication=generic).text
    assert "not used for AS" in text and ("trial" in med.about)
    assert any("trial" in s.id or "trial" in s.name.lower() for s in med.sources)
    assert "not used for AS" in educational_reply(KB, "inform_current_medication", medication=generic).text


def test_discontinued_brands_are_recognised_but_not_shown_as_current():
    for generic, old in (("prednisone", "Deltasone"), ("indomethacin", "Tivorbex"), ("infliximab", "Ixifi")):
        med = KB.medications[generic]
        assert old in med.other_names and old not in med.brands and old not in med.display_name


# Every reply kind that names a medicine, tested on the reply as rendered (N1, review 2026-12-03).
MEDICINE_VIEWS = ["ask_drug_info", "ask_drug_side_effects", "ask_time_to_work", "inform_current_medication"]
# Medicines whose US label has a boxed warning, and the words the rendered reply must carry.
BOXED = {
    "tofacitinib": ("serious infections", "death", "cancer", "heart", "blood clots"),
    "upadacitinib": ("serious infections", "death", "cancer", "heart", "blood clots"),
    **{
        m: ("serious infections", "lymphoma")
        for m in ("infliximab", "etanercept", "adalimumab", "certolizumab", "golimumab")
    },
    **{
        m: ("bleeding", "heart attack", "stroke")
        for m in ("ibuprofen", "naproxen", "celecoxib", "indomethacin", "meloxicam")
    },
    "methotrexate": ("blood", "liver", "lungs", "unborn baby"),
    "leflunomide": ("unborn baby", "liver"),
    "tocilizumab": ("serious infections",),
    "denosumab": ("calcium", "kidney"),
}


@pytest.mark.parametrize("view", MEDICINE_VIEWS)
@pytest.mark.parametrize("generic", sorted(KB.medications))
def test_every_reply_that_names_a_medicine_shows_its_most_serious_warning(generic, view):
    med = KB.medications[generic]
    for person in (None, "your son"):
        body = educational_reply(KB, view, f"tell me about {generic}", medication=generic, person=person).body
        assert med.key_warning in body, (view, body)
        if generic in BOXED:
            assert "boxed warning" in body, (view, body)
            assert all(w in body for w in BOXED[generic]), (view, body)


def test_the_rinvoq_side_effect_reply_opens_with_the_boxed_warning():
    body = educational_reply(KB, "ask_drug_side_effects", "side effects of Rinvoq", medication="upadacitinib").body
    first = " ".join(body.split(". ")[:2])
    assert "boxed warnings" in first and "blood clots" in first


def test_jak_boxed_warning_is_complete():
    for text in (
        KB.medications["tofacitinib"].key_warning,
        KB.medications["upadacitinib"].key_warning,
        KB.drug_classes["jak_inhibitor"].side_effects,
        KB.topics["ask_jak_inhibitors"].answer,
        KB.drug_classes["dmard"].side_effects,
    ):
        assert all(w in text for w in ("serious infections", "death", "cancer", "heart", "blood clots")), text


NSAIDS = sorted(m for m, med in KB.medications.items() if med.drug_class == "nsaid")


@pytest.mark.parametrize("generic", NSAIDS)
def test_every_nsaid_side_effect_reply_says_not_two_nsaids_at_once(generic):
    """N11: someone on celecoxib who buys ibuprofen is warned, whichever NSAID they asked about."""
    body = educational_reply(KB, "ask_drug_side_effects", medication=generic).body
    assert "Do not take it with another NSAID" in body


def test_bimekizumab_mood_point_carries_the_crisis_lines():
    point = next(p for p in KB.medications["bimekizumab"].safety_points if "mood" in p)
    assert "988" in point and "116 123" in point and "emergency" in point
