"""The one error type a user can cause, with a stable code and a Chinese message.

Views render it through ApplicationErrorMiddleware, the API through its exception handler, and the
CLI prints it; nothing else formats user errors.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (row, column or field) and what."""

    message: str
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        if self.field:
            where.append(f"“{self.field}”")
        return ("，".join(where) + "：" if where else "") + self.message


@dataclass
class ApplicationError(Exception):
    code: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class NotFound(ApplicationError):
    """A missing object and a forbidden one look the same, so that ids reveal nothing."""

    def __init__(self) -> None:
        super().__init__(code="not_found", message="未找到该记录。", status=404)


class PermissionDenied(ApplicationError):
    def __init__(self, message: str = "您没有进行此操作的权限。") -> None:
        super().__init__(code="forbidden", message=message, status=403)


# The statuses of a refusal of the actor (audited, answered as such on pages, in the API and the CLI);
# every other ApplicationError is a problem with the input or a rule of the service (core.actions).
REFUSAL_STATUSES = frozenset({403, 404})


def is_refusal(error: ApplicationError) -> bool:
    """Whether `error` refuses the actor (403, or 404 for what the actor may not see)."""
    return error.status in REFUSAL_STATUSES
