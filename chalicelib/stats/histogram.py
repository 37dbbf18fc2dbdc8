"""A fixed histogram of whole days: one bucket per day from 0 to MAX_DAYS, and one more for
anything longer. Pure: no I/O, exact integer arithmetic.

Fixed buckets are what lets the stream handler keep it with atomic ADDs (one attribute per
bucket) and a reader merge months and offices by adding counts, with exact percentiles at
the resolution of a day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction

MAX_DAYS = 120
OVERFLOW = MAX_DAYS + 1  # the bucket of "more than MAX_DAYS days", and how it is reported
MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)

Histogram = Mapping[int, int]  # bucket (days, OVERFLOW for more) -> how many cases


def bucket(days: int) -> int:
    if days < 0:
        raise ValueError(f"a duration cannot be negative: {days}")
    return min(days, OVERFLOW)


def attribute(bucket_: int) -> str:
    """The item attribute holding a bucket's count: d000 ... d120, and d121 for longer."""
    if not 0 <= bucket_ <= OVERFLOW:
        raise ValueError(f"no bucket {bucket_}")
    return f"d{bucket_:03d}"


def bucket_of_attribute(name: str) -> int | None:
    """The bucket an attribute name holds, or None if it is not a bucket attribute."""
    if len(name) != 4 or name[0] != "d" or not name[1:].isdigit():
        return None
    value = int(name[1:])
    return value if value <= OVERFLOW else None


def of_durations(durations: Iterable[int]) -> Counter[int]:
    return Counter(bucket(d) for d in durations)


def merge(histograms: Iterable[Histogram]) -> Counter[int]:
    total: Counter[int] = Counter()
    for histogram in histograms:
        total.update(histogram)
    return total


def percentile(histogram: Histogram, share: Fraction) -> int | None:
    """Nearest-rank percentile: the smallest bucket at or below which ``share`` of the cases
    fall (rank ceil(share * n)). None for an empty histogram. It is always a value a case
    really had (no interpolation), so with an even count the median is the lower middle."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1]: {share}")
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = -(-share.numerator * total // share.denominator)  # ceil without floats
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    raise AssertionError("unreachable: the ranks add up to the total")
