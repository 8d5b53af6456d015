import time
import uuid

from gasguard.utilities.uuid7 import uuid7


def test_a_uuid7_carries_version_7_the_rfc_variant_and_the_time_in_milliseconds():
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert value.version == 7 and value.variant == uuid.RFC_4122
    assert before <= value.int >> 80 <= after
    assert uuid.UUID(str(value)) == value


def test_ids_made_a_millisecond_apart_sort_in_time_order_and_never_repeat():
    ids = []
    for _ in range(5):
        ids.append(uuid7())
        time.sleep(0.002)
    assert ids == sorted(ids) and sorted(ids, key=str) == ids
    assert len({uuid7() for _ in range(10_000)}) == 10_000
