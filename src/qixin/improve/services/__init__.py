"""Every write of the cost-reduction and innovation app: validated, permission-checked, audited, one
transaction each. Each docstring states the rule the service enforces."""

from ._common import CENT, is_member_on, money
from .alliances import (
    alliance_create,
    alliance_dissolve,
    alliance_member_add,
    alliance_member_remove,
    alliance_update,
)
from .awards import award_create
from .campaigns import campaign_create, campaign_update
from .cases import case_create, case_rate, case_tokens, case_update, excellent_select, excellent_unselect
from .designations import designation_end, designation_grant
from .indexing import reindex_all
from .projects import project_create, project_move, project_team_set, project_tokens, project_update
from .savings import (
    savings_claim,
    savings_claim_update,
    savings_reject,
    savings_reverse,
    savings_verify,
    savings_withdraw,
)
from .studios import studio_close, studio_create, studio_update
from .suggestions import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    SUGGESTION_MAX_LENGTH,
    SUGGESTION_MIN_LENGTH,
    AttachmentUpload,
    duplicate_dismiss,
    points_for,
    suggestion_convert,
    suggestion_decide,
    suggestion_implement,
    suggestion_merge,
    suggestion_start_review,
    suggestion_submit,
    suggestion_to_project,
    suggestion_tokens,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "CENT",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "SUGGESTION_MAX_LENGTH",
    "SUGGESTION_MIN_LENGTH",
    "AttachmentUpload",
    "alliance_create",
    "alliance_dissolve",
    "alliance_member_add",
    "alliance_member_remove",
    "alliance_update",
    "award_create",
    "campaign_create",
    "campaign_update",
    "case_create",
    "case_rate",
    "case_tokens",
    "case_update",
    "designation_end",
    "designation_grant",
    "duplicate_dismiss",
    "excellent_select",
    "excellent_unselect",
    "is_member_on",
    "money",
    "points_for",
    "project_create",
    "project_move",
    "project_team_set",
    "project_tokens",
    "project_update",
    "reindex_all",
    "savings_claim",
    "savings_claim_update",
    "savings_reject",
    "savings_reverse",
    "savings_verify",
    "savings_withdraw",
    "studio_close",
    "studio_create",
    "studio_update",
    "suggestion_convert",
    "suggestion_decide",
    "suggestion_implement",
    "suggestion_merge",
    "suggestion_start_review",
    "suggestion_submit",
    "suggestion_to_project",
    "suggestion_tokens",
]
