"""The action server: thin Rasa SDK actions over the plain functions in `assistant/`.

Importing this package does no work. When the action server starts, rasa_extensions
(through rasa-sdk's plugin hook, rasa_sdk_plugins/) loads and validates the knowledge base, so
a broken knowledge file stops the action server with a message naming the file and entry,
and freezes what was loaded out of the garbage collector's sight: see
rasa_extensions/action_server.py.
"""
