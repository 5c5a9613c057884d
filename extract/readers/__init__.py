"""Readers: one pure function per source format, `bytes (+ hints) -> ReadResult`."""
