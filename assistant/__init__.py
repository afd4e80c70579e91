"""The assistant's plain logic: knowledge loading, answer rendering, recognisers.

Nothing here imports Rasa: the action server (`actions/`) and the NLU components
(`components/`) are thin wrappers over these functions, which are unit-tested directly.
"""
