from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.medications import medication_finder
from assistant.question_focus import focus_spans
from components.base import feature_fingerprint

FOCUS_PREFIX = "q__"
MEDICINE_TOKEN = "__medicine__"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class QuestionFocusTokenizer(WhitespaceTokenizer):
    """Whitespace tokens, plus a marked copy of the tokens in the question part.

    The classifier then learns mostly from the marked words, which in a short message are
    all of them, and in a long story are only the question's: a story about pain and scans
    that ends "is it inherited?" is classified by "is it inherited?".
    """

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """The question-focus code and the medicine catalog shape the tokens: retrain on a change."""
        return feature_fingerprint(cls)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT or not tokens:
            return tokens
        text = message.get(TEXT)
        # Every named medicine is also one shared word. Each brand is in only a few examples,
        # so without it "what is Humira" teaches the classifier "what is", and "is it
        # genetic?" looked like a medicine question.
        tokens += [Token(MEDICINE_TOKEN, m.start, m.end) for m in medication_finder().find(text)
                   if m.entity == "medication"]
        spans = focus_spans(text)
        focus = [Token(FOCUS_PREFIX + t.text, t.start, t.end) for t in tokens
                 if any(start <= t.start < end for start, end in spans)]
        return tokens + focus
