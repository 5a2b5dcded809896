"""The password policy: what a new or changed password must be. One sentence when it is not.

Length first (NIST SP 800-63B asks for length, not composition rules), then a guessability check
by zxcvbn, whose dictionaries hold the common passwords, keyboard walks, dates and names that
attackers try first; the public demo password is refused for every account that is not a demo
account. The user name and the product's own words count as guessable too.

>>> problem("correct horse battery staple") is None
True
>>> problem("          " * 2)
'A password cannot be only spaces.'
>>> problem("password1234")
'This password is too easy to guess (This is a very common password.); choose a longer one.'
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 hashes any length; this only bounds the work a request can ask for
MIN_SCORE = 3  # zxcvbn 0-4: 3 = "safely unguessable: moderate protection from offline attack"
DEMO_PASSWORD = "demo-passmap-2026"  # public by design: only the demo accounts may use it
PRODUCT_WORDS = ("passmap", "pass", "school", "district", "campus", "demo", "admin", "security")


def problem(password: str, username: str = "", *, is_demo: bool = False) -> str | None:
    """Why ``password`` is refused for ``username``, or None when it is acceptable."""
    if not password or not password.strip():
        return "A password cannot be only spaces."
    if len(password) < MIN_LENGTH:
        return f"The password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password may have at most {MAX_LENGTH} characters."
    if is_demo:
        return None
    if DEMO_PASSWORD in password:
        return "The public demo password cannot be used for a real account."
    if username and username.lower() in password.lower():
        return "The password must not contain the user name."
    result = zxcvbn(password[:100], user_inputs=[username, *PRODUCT_WORDS])
    if result["score"] < MIN_SCORE:
        why = result["feedback"]["warning"] or "a common word or pattern"
        return f"This password is too easy to guess ({why}); choose a longer one."
    return None
