"""Password rules beyond Django's: a password must not be, or contain, the person's 工号 or name
(in characters or pinyin). Length (10) and common passwords are Django's own validators."""

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
