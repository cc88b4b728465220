"""Library code every app may use: keyset paging, idempotent forms, middleware, admin bases, view helpers.

Imports no project app (tests/foundation/test_architecture.py holds it to that)."""
