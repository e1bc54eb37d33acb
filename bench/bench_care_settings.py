"""Settings of bench_care_load.py's server: the production-like base, with the intake limits raised
so that one load generator on 127.0.0.1 can play thousands of phones without being throttled (or
held for moderation: its phones send a form the moment they fetch it)."""

from qixin.settings.base import *  # noqa: F403

DEBUG = False
QIXIN_CARE_LIMITS = {
    "device": (10_000, 600),
    "device_day": (10_000, 86400),
    "point": (1_000_000, 600),
    "held": (1_000_000, 600),
    "address": (1_000_000, 600),
    "lookup": (1_000_000, 600),
}
QIXIN_CARE_NONCE_MIN_SECONDS = 0
