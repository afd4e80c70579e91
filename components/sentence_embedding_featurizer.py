"""Pretrained sentence features for the intent classifier: what the words mean, not only which.

Real patients say the same thing in words our examples never used ("my hips are killing me
at 3am" for night pain). A sentence embedding from the pretrained all-MiniLM-L6-v2 encoder
puts such messages near the examples that mean the same. The static (distilled) form of the
encoder is used: about a tenth of a millisecond per message instead of tens (README,
"Understanding").

Two vectors side by side: the whole message, and its question part (the sentences ending
in "?", as the question-focus tokenizer finds them), so a long story is read both as a whole
and by what it asks. Each token also gets its own sentence's vector (sequence features), so
the classifier can read one question of several on its own. The encoder's table and tokenizer
are stored inside the trained model:
serving needs neither the build folder nor the registry package, and a model always runs
with the encoder it was trained with.
"""
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.question_focus import focus_text, sentence_spans
from assistant.sentence_encoder import StaticEncoder, minilm_dir
from components.base import EncoderNotBuiltError, built_encoder, feature_fingerprint, files_fingerprint

TABLE_FILE = "embeddings.npz"
TOKENIZER_FILE = "tokenizer.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Built by `make install` (scripts/build_sentence_encoder.py).
        return {**DenseFeaturizer.get_default_config(), "table": "build/sentence_encoder/minilm_static.npz"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 encoder: Optional[StaticEncoder] = None) -> None:
        super().__init__(self.__class__.__name__, config)
        self._model_storage = model_storage
        self._resource = resource
        self.encoder = encoder

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """The encoder's code and its built table shape these features: retrain when they change."""
        return feature_fingerprint(cls, code=("assistant/sentence_encoder.py", "assistant/question_focus.py"),
                                   knowledge=()) + files_fingerprint([Path(config.get("table", ""))])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEmbeddingFeaturizer":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        table = built_encoder(Path(self._config["table"]))
        tokenizer = minilm_dir() / TOKENIZER_FILE
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copyfile(table, directory / TABLE_FILE)
            shutil.copyfile(tokenizer, directory / TOKENIZER_FILE)
        self.encoder = StaticEncoder.from_files(table, tokenizer)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SentenceEmbeddingFeaturizer":
        with model_storage.read_from(resource) as directory:
            encoder = StaticEncoder.from_files(directory / TABLE_FILE, directory / TOKENIZER_FILE)
        return cls(config, model_storage, resource, encoder)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    @property
    def _loaded_encoder(self) -> StaticEncoder:
        if self.encoder is None:
            raise EncoderNotBuiltError("SentenceEmbeddingFeaturizer has no encoder: the model is incomplete.")
        return self.encoder

    def process(self, messages: List[Message]) -> List[Message]:
        self._loaded_encoder  # noqa: B018  (fail before the first message, not inside it)
        for message in messages:
            text = message.get(TEXT)
            if text:
                sequence = self.sequence_features(text, message.get(TOKENS_NAMES[TEXT]) or [])
                self.add_features_to_message(sequence, self.sentence_features(text), TEXT, message)
        return messages

    def sentence_features(self, text: str) -> np.ndarray:
        """(1, 2·dims): the whole message, then its question part."""
        encoder = self._loaded_encoder
        return np.concatenate([encoder.encode(text), encoder.encode(focus_text(text))])[None, :]

    def sequence_features(self, text: str, tokens: List[Any]) -> Optional[np.ndarray]:
        """(tokens, 2·dims): each token carries its sentence as a one-sentence message would."""
        if not tokens:
            return None
        encoder = self._loaded_encoder
        spans = sentence_spans(text) or [(0, len(text))]
        vectors = {}
        rows = np.empty((len(tokens), 2 * encoder.dim), dtype=np.float32)
        for i, token in enumerate(tokens):
            span = next((s for s in spans if s[0] <= token.start < s[1]), spans[-1])
            if span not in vectors:
                vector = encoder.encode(text[span[0]:span[1]])
                vectors[span] = np.concatenate([vector, vector])
            rows[i] = vectors[span]
        return rows
