"""The rules, in the order they run. A later override wins: the red-flag rule runs last.

Each is a pure function of the parse. Measured on the dev half of the real questions before it
stays (`make test-nlu` prints each rule's firings and how often the served intent was then right).
"""

from typing import Optional

from assistant import intents
from assistant.conversation_control import is_conversation_control
from assistant.language import looks_non_english, shows_other_language
from assistant.red_flags import red_flag_detector
from assistant.rules import Parse, Verdict
from assistant.text_checks import (
    asks_about_alcohol,
    asks_amount_of_medicine,
    asks_to_stop_the_disease,
    medicine_question_intent,
    names_a_vaccine,
)

# Topics whose answers are about changing a medicine and already say the team decides: "could
# I come off my biologic now that I'm well?" keeps the tapering answer.
CHANGE_TOPICS = frozenset(
    {"ask_tapering", "ask_biosimilars", "ask_biologic_not_working", "ask_alcohol", "ask_nsaids_not_working"}
)
# A dose or stop question needs some weight from the classifier ("can I take extra Arcoxia on
# bad days?") before the words decide. Overriding an unsure classifier too lost two dev
# questions and caught none.
MIN_SUPPORT = 0.1
# Below this, an emergency guessed by the classifier from no red flag's words is ruled out.
SURE_EMERGENCY = 0.5


def other_language(p: Parse) -> Optional[Verdict]:
    """A message clearly in another language gets the honest "English only" reply; a guess of
    another language from unfamiliar letters alone ("blorp zzkx") is ruled out."""
    if looks_non_english(p.text):
        return Verdict(override=intents.NON_ENGLISH)
    if p.top == intents.NON_ENGLISH and not shows_other_language(p.text):
        return Verdict(rule_out=(intents.NON_ENGLISH,))
    return None


def stop_is_conversation_control(p: Parse) -> Optional[Verdict]:
    """`stop` ends a checklist or a topic: a short command naming neither AS nor a medicine."""
    if not is_conversation_control(p.text, p.names_medicine(("medication",))):
        return Verdict(rule_out=(intents.STOP,))
    return None


def stopping_the_disease(p: Parse) -> Optional[Verdict]:
    """ "Is there a way to stop the fusion?" asks about AS, not to stop a medicine."""
    if not p.names_medicine() and asks_to_stop_the_disease(p.text):
        return Verdict(rule_out=(intents.ASK_STOP_MEDICATION,))
    return None


def a_vaccine_is_not_a_medicine_change(p: Parse) -> Optional[Verdict]:
    """ "Should I skip my flu shot?": timing a vaccine is the vaccines topic, whose answer says to
    ask the team; it is no dose or stop request unless one is asked in words."""
    if (
        p.top in intents.MEDICINE_DECISIONS
        and names_a_vaccine(p.text)
        and not medicine_question_intent(p.text, p.names_medicine())
    ):
        return Verdict(rule_out=tuple(intents.MEDICINE_DECISIONS))
    return None


def drinking_is_not_a_dose(p: Parse) -> Optional[Verdict]:
    """ "How much can I drink on sulfasalazine?" is the alcohol topic, with its own no-number answer."""
    if p.top == intents.ASK_DOSAGE and asks_about_alcohol(p.text):
        return Verdict(rule_out=(intents.ASK_DOSAGE,))
    return None


def amount_of_a_medicine(p: Parse) -> Optional[Verdict]:
    """ "How much prednisone for a flare?" asks for a dose however sure the classifier is of
    the flare or steroid topic. A class is counted, not dosed ("how many anti-inflammatories
    must she try?"): only a named medicine counts."""
    starts = [int(e["start"]) for e in p.medicines if e.get("entity") == "medication" and e.get("start") is not None]
    if p.top not in intents.SAFETY_INTENTS and asks_amount_of_medicine(p.text, starts):
        return Verdict(override=intents.ASK_DOSAGE)
    return None


def dose_or_change_request(p: Parse) -> Optional[Verdict]:
    """A question asking to dose, stop, skip or switch a medicine gets the safety reply when the
    classifier gives it some weight; between the two safety replies, the words pick."""
    asked = medicine_question_intent(p.text, p.names_medicine())
    if not asked or asked == p.top or p.top == intents.REPORT_RED_FLAG or p.top in CHANGE_TOPICS:
        return None
    if p.support(asked) >= MIN_SUPPORT:
        return Verdict(override=asked)
    return None


def red_flag(p: Parse) -> Optional[Verdict]:
    """An urgent symptom reported as happening gets the urgent reply, whatever else the message
    says; a general question about one keeps its topic, and the flags it touches go out as
    `red_flag_asked`, so the answer adds what to do if it happens. Never left to a model."""
    detector = red_flag_detector()
    touched = detector.find(p.text)
    if not touched:
        # No flag's words: the classifier's own emergency guess stands only when it is sure
        # ("and for my wife?" read as an emergency at 0.14 is not one).
        if p.top == intents.REPORT_RED_FLAG and p.support(intents.REPORT_RED_FLAG) < SURE_EMERGENCY:
            return Verdict(rule_out=(intents.REPORT_RED_FLAG,))
        return None
    urgent = detector.urgent(p.text)
    entities = tuple(
        {
            "entity": "red_flag" if f in urgent else "red_flag_asked",
            "value": f,
            "confidence": 1.0,
            "extractor": "IntentRules",
        }
        for f in touched
    )
    if urgent:
        return Verdict(override=intents.REPORT_RED_FLAG, entities=entities)
    # The classifier heard an emergency in a general question: the rules know better.
    return Verdict(rule_out=(intents.REPORT_RED_FLAG,), entities=entities)


RULES = (
    ("other_language", other_language),
    ("stop_is_conversation_control", stop_is_conversation_control),
    ("stopping_the_disease", stopping_the_disease),
    ("a_vaccine_is_not_a_medicine_change", a_vaccine_is_not_a_medicine_change),
    ("drinking_is_not_a_dose", drinking_is_not_a_dose),
    ("amount_of_a_medicine", amount_of_a_medicine),
    ("dose_or_change_request", dose_or_change_request),
    ("red_flag", red_flag),
)
