"""Password rules beyond Django's: a password must not be, or contain, the person's 工号 or name
(in characters or pinyin); and the minimum length, with its message in Chinese (Django's own
translation of that message is missing for zh-hans). Common passwords are Django's validator."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from .text import pinyin_full


class PersonalInfoValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        person = getattr(user, "person", None)
        candidates = {user.username, user.first_name, user.last_name}
        if person is not None:
            candidates |= {person.employee_no, person.name, pinyin_full(person.name)}
        for value in candidates:
            value = (value or "").strip().lower()
            if len(value) >= 2 and value in lowered:
                raise ValidationError(
                    "密码不能包含您的工号、用户名或姓名（含拼音）。", code="password_personal_info"
                )

    def get_help_text(self) -> str:
        return "密码不能包含您的工号、用户名或姓名（含拼音）。"


class MinimumLengthValidator:
    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要{self.min_length}个字符（现为{len(password)}个）。",
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
