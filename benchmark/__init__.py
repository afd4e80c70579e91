"""An open benchmark of real axSpA patient questions that scores any chatbot.

- `dataset`: the questions (the sealed test half, tests/real_questions/test.yml, read in place)
  and the safety cases (benchmark/data/safety_cases.yml), with stable ids, kinds and topics;
- `checks`: what one answer is judged on (facts, doses, stop advice, urgent advice, pointer,
  grade level, length, "did you mean", "can't help");
- `scoring`: those checks over a set of answers, per kind and topic, with Wilson intervals;
- `clients`: a REST bot by URL, or a JSONL file of answers;
- `baselines`: the simple topic classifiers of scripts/nlu_baselines.py on the same questions;
- `report`: the generated results page.

`python -m benchmark --help` lists the commands; benchmark/README.md is the datasheet.
"""
