"""Custom Rasa NLU components: thin graph components over `assistant/` recognisers.

They read the knowledge base through the same loader as the action server, when the model is
loaded: a new medicine or red-flag phrase needs no retraining.
"""
