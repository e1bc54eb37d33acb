"""Model validation for the services: `full_clean` with Django's errors turned into an
ApplicationError in Chinese, naming each field, so a refused save reads like any other refusal."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .errors import ApplicationError, Problem


def _validation_error(exc: ValidationError) -> ApplicationError:
    problems = [
        Problem(message=str(msg), field=None if name == "__all__" else name)
        for name, msgs in exc.message_dict.items()
        for msg in msgs
    ]
    return ApplicationError("invalid", "填写的内容有误，请修改后再提交。", problems)


def full_clean(obj: object, exclude: list[str] | None = None) -> None:
    """Model.full_clean with errors turned into an ApplicationError in Chinese."""
    try:
        obj.full_clean(exclude=exclude)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise _validation_error(exc) from None
