"""What the tests and the benches run against: processes (the assistant's servers) and services
(PostgreSQL, Redis). bench/ and tests/ both import from here; bench never imports tests."""
