"""The time written into files nianbao makes: SOURCE_DATE_EPOCH when set (reproducible builds, the samples), else now."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable


def fixed_time() -> dt.datetime | None:
    """The time SOURCE_DATE_EPOCH fixes, in UTC; None when it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None


def build_time(now: Callable[[], dt.datetime] | None = None) -> dt.datetime:
    """The time of this build, to the second, in UTC: SOURCE_DATE_EPOCH if set, else the clock."""
    fixed = fixed_time()
    if fixed is not None:
        return fixed
    moment = now() if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def w3cdtf(moment: dt.datetime) -> str:
    """2022-01-25T01:02:03Z, as docProps store times."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
