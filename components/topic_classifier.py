"""The one topic classifier: assistant/topic_model.py served inside Rasa's NLU pipeline.

Sets the intent and its ranking for the whole message, and, for a message that asks several
questions ("?" sentences), each question's own topic (parse data "questions"), so the answer
can offer the second topic (assistant/compound.py).

Medicines are read as the catalog names them ("Amgevita" as "adalimumab (TNF blocker)",
assistant/medications.py), in training and serving: knowledge of brands and classes that the
baselines, trained on the same examples, do not have (docs/decisions/one-topic-classifier.md).

The encoder graph and its tokenizer are stored inside the trained model: a model always serves
with the encoder it was trained with, and serving needs neither the build folder nor the
registry package.
"""

import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import threadpool_limits

from assistant.medications import medication_finder
from assistant.sentences import question_spans
from assistant.sentence_encoder import OnnxEncoder, minilm_dir
from assistant.topic_model import TopicModel
from components.base import built_encoder, feature_fingerprint, files_fingerprint

ENCODER_FILE = "encoder.onnx"
TOKENIZER_FILE = "tokenizer.json"
# Where each question of a several-question message is classified on its own (parse data).
QUESTIONS_KEY = "questions"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: scikit-learn's regularisation, as the baselines use it.
        return {"C": 10.0, "encoder": "build/sentence_encoder/minilm_int8.onnx"}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """This module, the model and encoder code, the built encoder and how medicine names are
        read: retrain when they change."""
        return (
            feature_fingerprint(cls)
            + files_fingerprint([Path(config.get("encoder", ""))])
            + medication_finder().reading_fingerprint()
        )

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[TopicModel] = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.read = medication_finder().with_catalog_names

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TopicClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        graph = built_encoder(Path(self.config["encoder"]))
        tokenizer = minilm_dir() / TOKENIZER_FILE
        encoder = OnnxEncoder(graph, tokenizer)
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        texts = [self.read(m.get(TEXT)) for m in examples]
        # One BLAS thread: on 2 cores, threads fighting over small products are slower.
        with threadpool_limits(1):
            self.model = TopicModel(encoder.encode).fit(
                texts, [m.get(INTENT) for m in examples], c=float(self.config["C"])
            )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
            shutil.copyfile(graph, directory / ENCODER_FILE)
            shutil.copyfile(tokenizer, directory / TOKENIZER_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TopicClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                encoder = OnnxEncoder(directory / ENCODER_FILE, directory / TOKENIZER_FILE)
                model = TopicModel.load(directory, encoder.encode)
        except (ValueError, FileNotFoundError) as error:
            # Without weights every message would get "did you mean", silently: refuse instead.
            raise ValueError(
                "TopicClassifier: the model holds no trained weights "
                f"({type(error).__name__}); train it again (make train)."
            ) from error
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self.model is None or not text.strip():
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            read = self.read(text)
            ranking = [{"name": name, "confidence": p} for name, p in self.model.ranking(read, LABEL_RANKING_LENGTH)]
            # Not one known word ("flibber jabber wokka"): the guess rests on letters alone. Its
            # confidence is 0, so the fallback asks, and did-you-mean can still offer topics.
            top = ranking[0] if self.model.knows_a_word(read) else {**ranking[0], "confidence": 0.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(QUESTIONS_KEY, self.each_question(text), add_to_output=True)
        return messages

    def each_question(self, text: str) -> List[Dict[Text, Any]]:
        """Each "?" sentence of a message that asks several, classified on its own."""
        spans = question_spans(text)
        if len(spans) < 2 or self.model is None:
            return []
        questions = [text[start:end].strip() for start, end in spans]
        p = self.model.probabilities([self.read(q) for q in questions])
        best = np.argmax(p, axis=1)
        return [
            {"text": q, "intent": self.model.labels[b], "confidence": float(p[i, b])}
            for i, (q, b) in enumerate(zip(questions, best, strict=True))
            if self.model.knows_a_word(self.read(q))
        ]
