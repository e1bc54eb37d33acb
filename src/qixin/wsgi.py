"""The WSGI application (gunicorn qixin.wsgi). Set DJANGO_SETTINGS_MODULE=qixin.settings.prod in production."""

import gc
import importlib
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qixin.settings.dev")
application = get_wsgi_application()

LAZY_LIBRARIES = ("cryptography.fernet", "cryptography.hazmat.primitives.ciphers.aead", "jieba", "xlsxwriter")


def _load_everything_and_freeze() -> None:
    """Load every view and router now, then keep all that start-up made (Django, the apps, the pinyin
    and word-segmentation dictionaries: over a million objects) out of the garbage collector's full
    passes, which would otherwise stop a request for about 100 ms now and then. With gunicorn's
    preload the workers share these pages too."""
    import qixin.urls  # noqa: F401
    from qixin.core.text import pinyin_full

    # Libraries that our modules import where they use them, so that short-lived commands skip them;
    # the server takes them now, so that no first request waits for them and they are frozen too.
    # By name: they are third-party libraries, not our modules, so no dependency of ours is hidden.
    for library in LAZY_LIBRARIES:
        importlib.import_module(library)
    pinyin_full("旗心")  # loads pypinyin's dictionaries (imported lazily for short-lived commands)
    gc.collect()
    gc.freeze()


_load_everything_and_freeze()
