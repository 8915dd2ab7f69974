"""Secrets of the web server: password hashes (scrypt), random tokens, signed cookies and CSRF tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt with N = 2^15, r = 8: 32 MiB and ~0.1 s per hash, so a stolen database is slow to guess from
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD = 10


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """A salted scrypt hash with its parameters: scrypt$N$r$p$salt$hash."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a stored hash (compared in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        found = hashlib.scrypt(
            password.encode("utf-8"),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def password_problem(password: str, confirmation: str) -> str | None:
    """Why a new password is refused, in Chinese; None when it is acceptable."""
    if password != confirmation:
        return "两次输入的密码不一致。"
    if len(password) < MIN_PASSWORD:
        return f"密码至少要 {MIN_PASSWORD} 个字符。"
    if len(set(password)) < 4:
        return "密码过于简单。"
    return None


def new_token() -> str:
    """An unguessable token (256 random bits), safe in a URL."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def _mac(secret: bytes, purpose: str, value: str) -> str:
    return _b64(hmac.new(secret, f"{purpose}\n{value}".encode(), hashlib.sha256).digest())


def sign(secret: bytes, value: str) -> str:
    """`value.signature`: a cookie the browser cannot forge or alter."""
    return f"{value}.{_mac(secret, 'cookie', value)}"


def unsign(secret: bytes, signed: str) -> str | None:
    """The value of a signed cookie, or None when the signature is wrong."""
    value, _, signature = signed.rpartition(".")
    if value and hmac.compare_digest(signature, _mac(secret, "cookie", value)):
        return value
    return None


def csrf_token(secret: bytes, browser: str) -> str:
    """The token a form carries: bound to the browser's own random cookie, so another site cannot know it."""
    return _mac(secret, "csrf", browser)


def csrf_valid(secret: bytes, browser: str | None, token: str | None) -> bool:
    """Whether a submitted form's token belongs to this browser."""
    if not browser or not token:
        return False
    return hmac.compare_digest(token, csrf_token(secret, browser))
