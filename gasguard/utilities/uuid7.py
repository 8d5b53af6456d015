"""Time-ordered UUIDs (version 7, RFC 9562 §5.7) for the ids of records written at a high rate (the filling gate's
checks and the fillings). A random (version 4) id lands in a random leaf of its unique index: at millions of rows
one more page to read, dirty and log whole after each checkpoint, per insert. A time-ordered id appends at the
index's right edge. Python 3.14's uuid.uuid7() does the same; this is for 3.11."""
import os
import time
import uuid

_RAND_B = (1 << 62) - 1


def uuid7() -> uuid.UUID:
    """48 bits of Unix time in milliseconds, version 7, 12 random bits, the RFC's variant, 62 random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    return uuid.UUID(int=(ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (rand >> 68) << 64 | 0b10 << 62 | rand & _RAND_B)
