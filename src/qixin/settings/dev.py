"""Development: the demo served by `make run` on the embedded SQLite database."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
