"""The action server: thin Rasa SDK actions over the plain functions in `assistant/`.

Importing this package loads and validates the knowledge base, so a broken knowledge file
stops the action server at start-up with a message naming the file and entry.
"""
import gc
import sys

from assistant.knowledge import KnowledgeBaseError, knowledge_base

try:
    knowledge_base()
except KnowledgeBaseError as error:
    sys.exit(f"The action server cannot start. {error}")

# What is loaded by now lives as long as the server: keep it out of full garbage collections,
# which otherwise paused this server for about 0.1 s now and then under load (the Rasa server
# does the same: channels/speedups.py).
gc.collect()
gc.freeze()
