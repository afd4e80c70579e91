"""Is "stop" about the conversation? "Stop", "cancel the checklist" are; "is there a way to
stop the fusion?" and "how do I stop it getting worse?" are questions about AS."""

import re

from assistant.lexicons import lexicon_pattern

# What AS questions want to stop: the disease or a medicine, never the chat.
_DISEASE_OR_MEDICINE = lexicon_pattern(r"\b{disease_or_medicine_words}\b")
_AS = re.compile(r"\bAS\b")  # the disease, in capitals; "as" is an ordinary word
# Commands are short; a long message with "stop" in it is a story or a question.
MAX_WORDS = 12


def is_conversation_control(text: str, names_a_medicine: bool = False) -> bool:
    words = text.split()
    return (
        0 < len(words) <= MAX_WORDS
        and not names_a_medicine
        and not _DISEASE_OR_MEDICINE.search(text)
        and not _AS.search(text)
    )
