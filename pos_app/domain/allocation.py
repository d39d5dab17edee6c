"""Splitting an integer amount across parts in proportion, exactly (largest remainder)."""
from __future__ import annotations


def allocate(total: int, weights: list[int]) -> list[int]:
    """Shares of `total` proportional to `weights`, summing exactly to `total`."""
    if total < 0:
        return [-x for x in allocate(-total, weights)]
    weight_sum = sum(weights)
    if not weights:
        return []
    if weight_sum <= 0:
        shares = [0] * len(weights)
        shares[0] = total
        return shares
    raw = [total * w for w in weights]
    shares = [r // weight_sum for r in raw]
    remainders = sorted(range(len(weights)), key=lambda i: (-(raw[i] % weight_sum), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares
