"""Persons met and informed, by sex, in one block of replications of one village (the Monte Carlo).

The household-level draws (:mod:`.village`) say whether someone is at home;
the at-home-by-sex model (:mod:`outreach.athome`) says who, given someone is:
for an occasion of kind ``k`` (weekday day, weekday evening, weekend) the
adult woman only, the adult man only, or both, with probabilities
``(pW, pM, pB)`` from :func:`~outreach.athome.listeners_by_sex`, and the
woman answers when both are at home with ``athome.woman_opens_when_both``
(``o``). One uniform ``u`` per household and occasion decides it all:
``[0, pW)`` the woman only, ``[pW, pW + pB)`` both, the rest the man only;
the woman is the one who answers (or takes the message in) where
``u < pW + o pB``, which is :func:`~outreach.athome.woman_answers_share`.

* Door: one person per household met, at its first contact, drawn against
  the share of that contact's kind (stream ``TAG_DOOR_SEX``).
* Loudspeaker: each adult at home when the household hears a pass hears it
  (stream ``TAG_LOUDSPEAKER_SEX``, keyed by date and slot); listeners are
  distinct persons: the household's woman and man each count once if they
  heard at least one pass.
* Forum: one person per household attendance, a woman with ``forum.women_share``
  (the seed's own forum figure, a separate observation).
* Informed: one person per household made aware by the campaign (the seed's
  "one per household"): the person met at the door (door, or a leaflet handed
  over at a door contact), the attendee of the first forum attended (forum,
  or a leaflet handed over there), the listener who took in the first
  effective pass (loudspeaker); a household member drawn by the household's
  women's share for a banner or word of mouth (stream ``TAG_INFORMED_SEX``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..athome import SLOT_KINDS, home_by_sex, listeners_by_sex, slot_kind
from ..response import CHANNELS

_Plane = NDArray[np.bool_]
#: Rows of ``VillageDraws.met``: persons met by channel and sex.
MET_KEYS: tuple[tuple[str, str], ...] = tuple(
    (c, s) for c in ("door", "forum", "loudspeaker") for s in ("women", "men")
)


def _threshold(p: float | NDArray[np.float64]) -> NDArray[np.uint32]:
    """A raw 32-bit draw is below this with probability ``p`` (to 2^-32)."""
    return np.minimum(np.round(np.asarray(p, np.float64) * 2**32), 2**32 - 1).astype(np.uint32)


@dataclass(frozen=True)
class SexModel:
    """Per kind of occasion (:data:`~outreach.athome.SLOT_KINDS` order): ``(pW, pB, o)`` cut points of ``u``."""

    woman_only: NDArray[np.float64]
    both: NDArray[np.float64]
    opens: float

    @classmethod
    def of(cls, params: Mapping[str, float]) -> SexModel:
        parts = [listeners_by_sex(*home_by_sex(params, k)) for k in range(len(SLOT_KINDS))]
        return cls(np.array([p[0] for p in parts]), np.array([p[2] for p in parts]),
                   float(params["athome.woman_opens_when_both"]))

    def door_thresholds(self) -> NDArray[np.uint32]:
        """Raw-draw thresholds of 'the woman answers', per kind."""
        return _threshold(self.woman_only + self.opens * self.both)

    def cuts(self, date: int, slot: int) -> tuple[np.float32, np.float32, np.float32]:
        """``(pW, pW + o pB, pW + pB)`` of one occasion, float32 (compared with float32 uniforms)."""
        k = slot_kind(date, slot)
        w, b = self.woman_only[k], self.both[k]
        return np.float32(w), np.float32(w + self.opens * b), np.float32(w + b)


class People:
    """Persons met and informed per household-replication of one block, channel after channel."""

    def __init__(self, shape: tuple[int, int], model: SexModel) -> None:
        self.model = model
        self.met = np.zeros((len(MET_KEYS), shape[0]), np.int64)
        self.door_woman = np.zeros(shape, bool)
        self.forum_woman = np.zeros(shape, bool)
        self.forum_seen = np.zeros(shape, bool)
        self.heard_woman = np.zeros(shape, bool)
        self.heard_man = np.zeros(shape, bool)
        self.lead_woman = np.zeros(shape, bool)  # who took in the first effective pass
        self.lead_set = np.zeros(shape, bool)

    def door(self, ever: _Plane, first_kind: NDArray[np.int8], raw: NDArray[np.uint32]) -> None:
        """One person per household ever met, by the kind of its first contact (``first_kind``)."""
        thr = self.model.door_thresholds()[np.maximum(first_kind, 0)]
        self.door_woman = ever & (raw < thr)
        w = np.count_nonzero(self.door_woman, axis=1)
        self.met[0] += w
        self.met[1] += np.count_nonzero(ever, axis=1) - w

    def forum(self, hit: _Plane, woman: _Plane) -> None:
        """One person per household attending this forum; the first attendance's person is kept."""
        w = np.count_nonzero(hit & woman, axis=1)
        self.met[2] += w
        self.met[3] += np.count_nonzero(hit, axis=1) - w
        new = hit & ~self.forum_seen
        self.forum_woman |= new & woman
        self.forum_seen |= new

    def loudspeaker(self, hit: _Plane, eff: _Plane, loc: NDArray[np.int64], u: NDArray[np.float32],
                    occasion: tuple[int, int]) -> None:
        """A pass heard where ``hit`` (columns ``loc``): the adults at home hear it; ``eff``: remembered."""
        w_only, lead, w_or_both = self.model.cuts(*occasion)
        self.heard_woman[:, loc] |= hit & (u < w_or_both)
        self.heard_man[:, loc] |= hit & (u >= w_only)
        new = eff & ~self.lead_set[:, loc]
        self.lead_woman[:, loc] |= new & (u < lead)
        self.lead_set[:, loc] |= new

    def finish(self) -> None:
        """Count the distinct listeners (after every pass)."""
        self.met[4] += np.count_nonzero(self.heard_woman, axis=1)
        self.met[5] += np.count_nonzero(self.heard_man, axis=1)

    def informed(self, made_by: NDArray[np.int32], newly: _Plane, door_met: _Plane,
                 member_woman: _Plane) -> NDArray[np.int64]:
        """``(women, men)`` informed per replication, shape (2, rb).

        Parameters
        ----------
        made_by : ndarray
            ``CHANNELS`` index of the exposure that made each household aware (-1: word of mouth or none).
        newly : ndarray of bool
            Households made aware by the campaign (directly or by word of mouth; not baseline).
        door_met : ndarray of bool
            Households met at the door.
        member_woman : ndarray of bool
            A household member drawn by the household's women's share is a woman (banner, word of mouth).
        """
        ch = {c: made_by == i for i, c in enumerate(CHANNELS)}
        leaflet_door = ch["leaflet"] & door_met
        woman = member_woman.copy()  # banner and word of mouth
        # a leaflet that made a household aware came from the door (the person met), a forum (its attendee) or
        # was left at the door where nobody answered (a household member, as for a banner)
        for sel, plane in ((ch["door"] | leaflet_door, self.door_woman),
                           (ch["forum"] | (ch["leaflet"] & ~door_met & self.forum_seen), self.forum_woman),
                           (ch["loudspeaker"], self.lead_woman)):
            woman = np.where(sel, plane, woman)
        w = np.count_nonzero(newly & woman, axis=1)
        return np.stack([w, np.count_nonzero(newly, axis=1) - w])


def member_thresholds(women: NDArray[np.integer], men: NDArray[np.integer]) -> NDArray[np.uint32]:
    """Raw-draw thresholds of 'a household member drawn at random is a woman' (0.5 in an empty household)."""
    total = women.astype(np.float64) + men
    return _threshold(np.divide(women, total, out=np.full(total.shape, 0.5), where=total > 0))
