"""Per-protocol request handlers for the loopback server (see ../server.py).

Each module answers one wire protocol the way the provider documents it (providers.md
§1.2, §2.2, §3.2, §6.2, §4-§9): its paths, its auth header, its stream framing, its
error shape and its parameter ranges. Answers are deterministic functions of the
request (`answers.py`), so a program's output can be compared across providers.
"""
