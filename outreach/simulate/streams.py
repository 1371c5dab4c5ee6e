"""Plan-independent random planes, keyed by village, and the at-home atom tables.

Every random plane comes from its own numpy ``PCG64`` stream whose 128-bit
state and increment are the BLAKE2b hash of ``(seed, village key, tag, ...)``;
the tag names what is drawn (see the ``TAG_*`` constants). Nothing in a key
depends on the plan, so two plans run on common random numbers: the same
household in the same replication has the same propensity and is at home on
the same occasions; plans differ only by the plan. Each replication row
consumes a fixed run of raw words, so the first ``n`` replications are the
same whatever the total and whatever the block size.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from ..athome import beta_atoms

# Random stream tags: part of every key, never change them (results would move). 22 and 28 are retired.
#: The household's at-home propensity and baseline awareness (one 32-bit draw: 12 + 20 bits).
TAG_PROPENSITY = 21
#: The at-home state on an occasion (keyed further by date ordinal and slot).
TAG_OCCASION = 23
#: Attendance of a forum (keyed further by the forum's number).
TAG_FORUM = 24
TAG_BANNER = 25
TAG_LEAFLET = 26
TAG_WOM = 27
# 28 (retired): who is met at a door visit, against a fixed women's share.
#: Who attends a forum for the household (keyed further by the forum's number).
TAG_FORUM_PERSON = 29
#: When the effective banner passes fall (keyed further by the pass's rank, 0..k-1).
TAG_BANNER_TIME = 30
#: Whether a loudspeaker pass heard leaves a memory (keyed further by date and slot): apart from the
#: occasion's at-home draw, which a door visit in the same slot also reads for its own memory.
TAG_LOUDSPEAKER_MEMORY = 31
#: Who is met at a door visit: one draw per household against the at-home-by-sex share of the slot of its
#: first contact (apart from every exposure draw).
TAG_DOOR_SEX = 32
#: Which adults are at home when a loudspeaker pass is heard (keyed further by date and slot).
TAG_LOUDSPEAKER_SEX = 33
#: The sex of the person informed in a household made aware by a banner or by word of mouth.
TAG_INFORMED_SEX = 34
#: Whether a leaflet is left at a household visited where nobody answered (keyed further by the visit's
#: place in the village's door visits).
TAG_LEAFLET_LEFT = 35
#: Exposure and memory of a district-wide channel (keyed further by its place in ``outreach.media.MEDIA``);
#: 40 leaves room for other tags added alongside.
TAG_MEDIA = 40

#: Equiprobable quantile atoms of the at-home Beta law (the top 12 bits of the propensity draw).
N_ATOMS = 4096


class Streams:
    """Plan-independent random planes of one village.

    A stream is a PCG64 bit generator whose 128-bit state and increment are
    the BLAKE2b hash of ``(seed, village key, tag, ...)``: distinct keys give
    distinct, independent PCG64 streams, and creating one costs a few
    microseconds (bit-generator objects are pooled and re-keyed). Row ``r``
    of a plane always consumes the same raw 64-bit words (``ceil(h / 2)``
    per replication), so results do not depend on the replication blocking.
    """

    _local = threading.local()  # pooled bit generators, one pool per thread

    def __init__(self, seed: int, vkey: int, h: int) -> None:
        self.prefix = (seed, vkey)
        self.h = h
        self.words = (h + 1) // 2
        self.live: dict[tuple[int, ...], np.random.PCG64] = {}

    def _bitgen(self, tags: tuple[int, ...]) -> np.random.PCG64:
        bg = self.live.get(tags)
        if bg is None:
            i = len(self.live)
            pool = getattr(Streams._local, "pool", None)
            if pool is None:
                pool = Streams._local.pool = []
            while len(pool) <= i:
                pool.append(np.random.PCG64(0))
            bg = pool[i]
            key = struct.pack(f"<{2 + len(tags)}Q", *(k & 0xFFFF_FFFF_FFFF_FFFF for k in (*self.prefix, *tags)))
            d = hashlib.blake2b(key, digest_size=32).digest()
            bg.state = {
                "bit_generator": "PCG64",
                "state": {"state": int.from_bytes(d[:16], "little"), "inc": int.from_bytes(d[16:], "little") | 1},
                "has_uint32": 0,
                "uinteger": 0,
            }
            self.live[tags] = bg
        return bg

    def raw(self, rb: int, *tags: int) -> NDArray[np.uint32]:
        """Uniform uint32 plane of shape (rb, h)."""
        w = self._bitgen(tags).random_raw(rb * self.words).view(np.uint32)
        return w.reshape(rb, 2 * self.words)[:, : self.h]

    def uniform(self, rb: int, *tags: int) -> NDArray[np.float32]:
        """Uniform float32 plane on the 2^-24 grid in [0, 1), shape (rb, h)."""
        u = np.right_shift(self.raw(rb, *tags), np.uint32(8)).astype(np.float32)
        u *= np.float32(2.0**-24)
        return u


@lru_cache(maxsize=16)
def at_home_tables(a: float, b: float) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Atom tables (float32) of ``pi`` and ``log(1 - pi)`` for ``N_ATOMS`` equiprobable atoms."""
    L = beta_atoms(a, b, N_ATOMS)
    return (-np.expm1(L.astype(np.float64))).astype(np.float32), L
