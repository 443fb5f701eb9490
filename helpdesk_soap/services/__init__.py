"""Use cases: one function each, taking plain values and a unit of work.

Every entry point (SOAP, CLI, later e-mail) goes through these, so the rules
hold once for all of them. The caller opens the unit of work; a service
commits it only when the whole use case succeeded.
"""
