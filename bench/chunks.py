#!/usr/bin/env python3
"""Cut a CSV manifest into byte ranges at record boundaries, the header repeated per chunk.

A record ends at a newline outside quotes. Quotes inside a field are doubled, so the count of
quote characters before a newline is even exactly when the newline ends a record: one pass of
bytes.count finds the cuts without parsing a field (docs/scale.md).

    python3 bench/chunks.py MANIFEST N PREFIX   # writes PREFIX1.csv .. PREFIXN.csv
"""
import os
import sys

BLOCK = 8 << 20


def _record_ends(f, starts):
    """For each offset in starts (ascending), the offset just after the first record end at or
    after it (after the previous one found, if that is later): the file size when none is left."""
    out, wanted = [], list(starts)
    f.seek(0)
    base, parity = 0, 0  # quotes in [0, base), mod 2
    while wanted:
        block = f.read(BLOCK)
        if not block:
            break
        pos, state = 0, parity  # state: quotes in [0, base + pos), mod 2
        while wanted:
            t = wanted[0] - base
            if t >= len(block):
                break
            if t > pos:
                state = (state + block.count(b'"', pos, t)) % 2
                pos = t
            nl = block.find(b"\n", pos)
            if nl < 0:
                break  # the search goes on in the next block
            state = (state + block.count(b'"', pos, nl)) % 2
            pos = nl + 1
            if state == 0:
                out.append(base + pos)
                wanted.pop(0)
        parity = (parity + block.count(b'"')) % 2
        base += len(block)
    out.extend(base for _ in wanted)
    return out


def cut(path, n):
    """(header_end, [(start, end)] * n): the first record is the header, each range holds
    whole records and the ranges cover the rest of the file in order."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        (header_end,) = _record_ends(f, [0])
        targets = [header_end + (size - header_end) * i // n for i in range(1, n)]
        # A record end found at or after one target may lie past the next: keep the cuts
        # ascending, the later chunk then empty.
        cuts = [header_end] + _record_ends(f, targets) + [size]
        for i in range(1, len(cuts)):
            cuts[i] = max(cuts[i], cuts[i - 1])
    return header_end, [(cuts[i], cuts[i + 1]) for i in range(n)]


def copy_range(src, start, end, dst, header):
    """Writes header and src's bytes [start, end) to the binary file object dst."""
    dst.write(header)
    with open(src, "rb") as f:
        f.seek(start)
        left = end - start
        while left > 0:
            block = f.read(min(BLOCK, left))
            if not block:
                break
            dst.write(block)
            left -= len(block)


def read_header(path, header_end):
    with open(path, "rb") as f:
        return f.read(header_end)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    header_end, ranges = cut(path, n)
    header = read_header(path, header_end)
    for i, (start, end) in enumerate(ranges, 1):
        with open(f"{prefix}{i}.csv", "wb") as out:
            copy_range(path, start, end, out, header)


if __name__ == "__main__":
    main()
