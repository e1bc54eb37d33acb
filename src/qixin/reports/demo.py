"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed)."""

from qixin.demo.context import Context


def seed(ctx: Context) -> None:
    """Nothing yet."""
