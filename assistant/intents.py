"""Every intent name the Python code uses, in one place.

domain.yml declares the intents; the code refers to a few of them by name (the safety ones,
the checklist's answers, the medicine topics). tests/unit/test_vocabulary.py checks each name
here against domain.yml, so renaming an intent there fails a test instead of a conversation.
Content routing (follow-ups, class words to topics) is data: data/knowledge/routing.yml.
"""

# Safety: fixed replies that no classifier guess or rule may override.
REPORT_RED_FLAG = "report_red_flag"
ASK_DOSAGE = "ask_dosage"
ASK_STOP_MEDICATION = "ask_stop_medication"
SAFETY_INTENTS = frozenset({ASK_DOSAGE, ASK_STOP_MEDICATION, REPORT_RED_FLAG})
# Questions the assistant explains it will not answer: no dose note, no appointment question.
MEDICINE_DECISIONS = frozenset({ASK_DOSAGE, ASK_STOP_MEDICATION})

# Conversation.
AFFIRM = "affirm"
DENY = "deny"
NOT_SURE = "not_sure"
STOP = "stop"
OUT_OF_SCOPE = "out_of_scope"
NON_ENGLISH = "non_english"
# Rasa's own: the FallbackClassifier's intent when the classifier is unsure (not in domain.yml).
NLU_FALLBACK = "nlu_fallback"

# The clinic in the loop: reach a person, a visit summary, and a vote on an answer (a button
# payload: assistant/feedback.py).
ASK_CONTACT_CLINIC = "ask_contact_clinic"
REQUEST_VISIT_SUMMARY = "request_visit_summary"
FEEDBACK = "feedback"

# Topics answered about one named medicine, when the person names one.
ASK_DRUG_INFO = "ask_drug_info"
ASK_DRUG_SIDE_EFFECTS = "ask_drug_side_effects"
ASK_TIME_TO_WORK = "ask_time_to_work"
INFORM_CURRENT_MEDICATION = "inform_current_medication"
MEDICATION_INTENTS = frozenset({ASK_DRUG_INFO, ASK_DRUG_SIDE_EFFECTS, ASK_TIME_TO_WORK, INFORM_CURRENT_MEDICATION})
# Its answer already asks the person to agree a limit with their team: no dose note.
ASK_ALCOHOL = "ask_alcohol"
# Skipping or timing a vaccine is this topic, not a medicine change (assistant/rules/table.py).
ASK_INFECTIONS_VACCINES = "ask_infections_vaccines"

RASA_BUILT_IN = frozenset({NLU_FALLBACK})


def names() -> frozenset:
    """Every intent name above (for the vocabulary test)."""
    return frozenset(v for k, v in globals().items() if k.isupper() and isinstance(v, str))
