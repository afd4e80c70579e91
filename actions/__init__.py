"""The action server: thin Rasa SDK actions over the plain functions in `assistant/`.

Importing this package loads and validates the knowledge base, so a broken knowledge file
stops the action server at start-up with a message naming the file and entry.
"""
import sys

from assistant.knowledge import KnowledgeBaseError, knowledge_base

try:
    knowledge_base()
except KnowledgeBaseError as error:
    sys.exit(f"The action server cannot start. {error}")
