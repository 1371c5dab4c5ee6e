"""Printed outputs in Khmer, English or both (``--lang km|en|both``): one rule for every sheet."""

from __future__ import annotations

from typing import Literal

Lang = Literal["km", "en", "both"]


def pick(km: str, en: str, lang: Lang) -> str:
    """One text in ``lang``; ``both`` gives ``Khmer / English``; English when no Khmer text is known."""
    if not km:
        return en
    return {"km": km, "en": en}.get(lang, f"{km} / {en}")
