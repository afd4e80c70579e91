"""The simple baselines as topic classifiers on the benchmark's questions.

They are the ones the served pipeline must beat (scripts/nlu_baselines.py: TF-IDF + LR,
MiniLM + LR, MiniLM + TF-IDF + LR), trained afresh on the project's training examples. They
give a topic, not an answer, so only the topic figures apply to them.
"""

from typing import Dict, List, Sequence

from benchmark.dataset import Item


def baseline_topics(items: Sequence[Item]) -> Dict[str, List[str]]:
    """name -> the topic each baseline predicts for each item."""
    from scripts.nlu_baselines import MiniLM, train_baselines, training_examples

    texts, intents = training_examples()
    predictors = train_baselines(texts, intents, MiniLM())
    questions = [item.text for item in items]
    return {name: list(predict(questions)) for name, predict in predictors.items()}
