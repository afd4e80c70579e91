"""Is "stop" about the conversation? "Stop", "cancel the checklist" are; "is there a way to
stop the fusion?" and "how do I stop it getting worse?" are questions about AS."""
import re

# What AS questions want to stop: the disease or a medicine, never the chat.
_DISEASE_OR_MEDICINE = re.compile(
    r"\b(?:fus\w*|progress\w*|damage\w*|worse|spread\w*|disease|pain\w*|flare\w*|inflam\w*|stiff\w*|"
    r"bone|bones|bamboo|spine|joints?|spondyl\w*|ankylos\w*|medicines?|medications?|meds|tablets?|"
    r"pills?|injections?|jabs?|infusions?|biologic\w*|drugs?|treatment|it from)\b", re.IGNORECASE)
_AS = re.compile(r"\bAS\b")  # the disease, in capitals; "as" is an ordinary word
# Commands are short; a long message with "stop" in it is a story or a question.
MAX_WORDS = 12


def is_conversation_control(text: str, names_a_medicine: bool = False) -> bool:
    words = text.split()
    return (0 < len(words) <= MAX_WORDS and not names_a_medicine
            and not _DISEASE_OR_MEDICINE.search(text) and not _AS.search(text))
