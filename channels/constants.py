"""The channels' numbers and markers, importable without Rasa (tests, scripts, tools)."""

# Only the first MAX_MESSAGE_CHARS characters of a message are read (NLU); the record keeps it all.
MAX_MESSAGE_CHARS = 2000
# Metadata on the bot event that records the no-reply sentence, so it can be told apart.
NO_REPLY_METADATA = {"fallback": "no_reply"}
