"""Development tools shared by the tests and the benchmark: starting the real servers.

Not part of the assistant (not installed); scripts and tests import it, it imports neither.
"""
