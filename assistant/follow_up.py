"""Short follow-ups like "and how is that treated?" continue the topic just discussed.

The classifier sees "how is that treated?" as the general treatment question; after a bone
marrow edema answer the person means treating bone marrow edema. Only short messages that
point back ("it", "that", "this") are re-routed, and only within the same subject.
"""
import re
from typing import Optional

# subject (intent prefix of the previous answer) -> {general intent: the subject's intent}
FOLLOW_UPS = {
    "ask_bme_": {
        "ask_treatment_options": "ask_bme_treatment", "ask_physical_therapy": "ask_bme_treatment",
        "ask_pain_types": "ask_bme_symptoms", "ask_as_diagnosis": "ask_bme_diagnosis",
        "ask_osteoporosis_diagnosis": "ask_bme_diagnosis", "ask_as_cause": "ask_bme_cause",
        "ask_as_definition": "ask_bme_definition", "ask_symptom_link": "ask_bme_as_link",
    },
    "ask_osteoporosis_": {
        "ask_treatment_options": "ask_osteoporosis_prevention", "ask_as_diagnosis": "ask_osteoporosis_diagnosis",
        "ask_bme_diagnosis": "ask_osteoporosis_diagnosis", "ask_bme_treatment": "ask_osteoporosis_prevention",
    },
}
_POINTS_BACK = re.compile(r"\b(it|that|this|those|these|them)\b", re.IGNORECASE)
MAX_FOLLOW_UP_WORDS = 8


def resolve_follow_up(intent: str, text: str, previous_topic: Optional[str]) -> str:
    if not previous_topic or len(text.split()) > MAX_FOLLOW_UP_WORDS or not _POINTS_BACK.search(text):
        return intent
    for subject, mapping in FOLLOW_UPS.items():
        if previous_topic.startswith(subject):
            return mapping.get(intent, intent)
    return intent
