"""The chat channels, as Rasa's REST and socket.io channels plus what every message needs.

Registered in credentials.yml by module path. They keep Rasa's URLs and names ("rest",
"socketio"), so clients see no change, and add, for every message (see guard.py):

- one length limit: a message longer than MAX_MESSAGE_CHARS is cut before NLU and before it
  is stored, and the person is told only the first part was read;
- only the ids that channel may carry: the widget's own on REST and socket.io, and each
  messaging app's in its own namespace ("telegram:<id>"); see assistant/security.py;
- never silence: when processing produced no reply (the action server is down, an error),
  the person gets a short "can't look that up right now" reply, and the conversation is left
  so the next message works normally;
- no message text in the server's logs at the default level (rasa_extensions/privacy.py).

Mounting any of them also installs rasa_extensions (the speed fixes, log redaction, the HTTP
API body check): see rasa_extensions/__init__.py.
"""
