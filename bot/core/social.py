"""The social moves of a call, read from what the staff member said.

Pure text rules shared by the engine (no disclosure on a goodbye) and the
offline partner (a goodbye gets a goodbye, "Is this Jenna?" gets the
greeting): which sentences are questions, which of them ask for an answer of
substance, and whether an utterance closes the call.
"""

from __future__ import annotations

import re

from bot.core.text import fold_quotes


def _low(text: str) -> str:
    return fold_quotes(text).lower()


PERMISSION = re.compile(
    r"(?:good|okay|ok|bad|alright|right) (?:time|moment)|have a (?:few |couple of )?minutes?|"
    r"have a minute|okay if i ask|alright if i ask|willing to talk|can i try again|"
    r"could we start over|start over\?|short chat\?|talk for a bit\?|"
    r"tiene (?:unos )?minutos|buen momento"
)
"""Asking whether now is a good time, or whether one may ask."""
_CLOSING = re.compile(
    r"(?:call (?:you )?(?:again|back)|check(?:ed)? in (?:with you )?again|check in again|"
    r"be in touch|"
    r"talk soon|\bbye\b|\bgood-?bye\b|\btake (?:good )?care\b(?! of)|\bgood ?night\W*$|"
    r"\badi[oó]s\b|\bhasta (?:luego|pronto)\b|"
    r"have a good (?:one|day)|hang up|in a (?:few|couple of) weeks|"
    r"next (?:week|month)|i'?ll (?:send|email|text|follow up|share|put|mark|be)|"
    r"llamarle otra vez|volver a llamar)"
)
"""Words of a goodbye or of the next contact."""
_CALL_AGAIN = re.compile(
    r"\b(?:call|calls|calling|check(?:ed)? in|reach|talk|meet|meeting|follow up|be in touch|"
    r"let (?:the|his|her|their) teacher know|llamar|hablar)\b"
)
"""A question about the next contact ("Is it alright if I call back?"), part of a goodbye."""
_IDENTITY = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hola)\W+)?(?:is (?:this|that)|am i (?:speaking|talking) (?:to|with)|"
    r"are you|es usted|habla)\b[^?]{0,40}\?$"
)
"""A caller checking who picked up ("Hi, is this Jenna?"): the greeting answers it."""
_WH_START = re.compile(r"^\W*(?:and |so )?(?:what|how|when|where|who|which|why)\b")
_QUESTION_SENTENCE = re.compile(r"[^.?!]*\?")


def questions(text: str) -> list[str]:
    """The question sentences of a staff utterance, folded to lower case.

    Args:
        text: the staff utterance.

    Returns:
        Each sentence that ends with "?", stripped, in order.
    """
    return [q.strip() for q in _QUESTION_SENTENCE.findall(_low(text)) if q.strip(" ?")]


def real_questions(text: str) -> list[str]:
    """Questions that ask for an answer of substance (not who picked up, not may I).

    Args:
        text: the staff utterance.

    Returns:
        The question sentences left once identity checks ("Is this Jenna?"),
        permission ("Is now a good time?") and the next contact ("Is it okay
        if I call again?") are set aside.
    """
    out: list[str] = []
    for q in questions(text):
        offer = _CALL_AGAIN.search(q) and not _WH_START.match(q)  # "Is it okay if I call?"
        if _IDENTITY.search(q) or PERMISSION.search(q) or offer:
            continue
        out.append(q)
    return out


def is_closing(text: str) -> bool:
    """Tell whether a staff utterance says goodbye (and asks nothing else).

    "Thanks, we'll be in touch." and "Is it alright if I call back
    sometime?" close the call; "Do you think next week will go a little
    better?" does not, although it names next week.

    Args:
        text: the staff utterance.

    Returns:
        True for a goodbye or an offer of the next contact with no other question.
    """
    return _CLOSING.search(_low(text)) is not None and not real_questions(text)
