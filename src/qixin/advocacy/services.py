"""Every write of the advocacy app: validated, permission-checked, audited, one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from qixin.core import audit
from qixin.core.access import is_self, reads_org, require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.orgs.models import Organization
from qixin.orgs.services import full_clean
from qixin.people.models import Person

from .models import Campaign, ContentItem, Share
from .permissions import can_manage_org, can_register_share, can_view_campaign


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
    items: Sequence[tuple[str, str, str]] = (),
) -> Campaign:
    """Start a campaign for an organization's subtree with its content: (title, url, text) items."""
    require(reads_org(actor, organization), hide=True)
    require(can_manage_org(actor, organization))
    campaign = Campaign(
        organization=organization,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
    )
    full_clean(campaign)
    campaign.save()
    for position, (title, url, text) in enumerate(items, start=1):
        item_add(campaign=campaign, title=title, url=url, text=text, position=position)
    audit.record(actor=actor, action="create", obj=campaign, changes={"organization": organization.code})
    return campaign


def item_add(
    *, campaign: Campaign, title: str, url: str = "", text: str = "", position: int = 0
) -> ContentItem:
    item = ContentItem(
        campaign=campaign, title=title.strip(), url=url.strip(), text=text.strip(), position=position
    )
    full_clean(item)
    item.save()
    return item


@transaction.atomic
def content_add(
    *, actor: User | None, campaign: Campaign, title: str, url: str = "", text: str = ""
) -> ContentItem:
    require(reads_org(actor, campaign.organization), hide=True)
    require(can_manage_org(actor, campaign.organization))
    item = item_add(campaign=campaign, title=title, url=url, text=text, position=campaign.items.count() + 1)
    audit.record(actor=actor, action="add_content", obj=campaign, changes={"title": item.title})
    return item


@transaction.atomic
def share_register(
    *,
    actor: User | None,
    campaign: Campaign,
    person: Person,
    channel: str,
    shared_on: date,
    link: str = "",
    reach: int | None = None,
    item: ContentItem | None = None,
) -> Share:
    """Register what a participant shared. The participant must belong to the campaign's subtree,
    the day must fall in the campaign, and the same link is registered once."""
    require(can_view_campaign(actor, campaign) or is_self(actor, person.pk), hide=True)
    require(is_self(actor, person.pk) or reads_org(actor, person.organization), hide=True)
    require(can_register_share(actor, person))
    problems: list[Problem] = []
    if not person.organization.path.startswith(campaign.organization.path):
        problems.append(
            Problem(message=f"{person.name}不在“{campaign.organization.name}”范围内。", field="参与人")
        )
    if shared_on < campaign.starts_on or (campaign.ends_on and shared_on > campaign.ends_on):
        problems.append(Problem(message="日期不在活动期间内。", field="日期"))
    if item is not None and item.campaign_id != campaign.pk:
        problems.append(Problem(message="所选内容不属于本活动。", field="内容"))
    if link.strip() and Share.objects.filter(campaign=campaign, link=link.strip()).exists():
        problems.append(Problem(message="该链接已登记过。", field="链接"))
    if reach is not None and reach < 0:
        problems.append(Problem(message="触达人数不能为负数。", field="触达人数"))
    if problems:
        raise ApplicationError("invalid", "代言记录有误。", problems)
    share = Share(
        campaign=campaign,
        item=item,
        person=person,
        organization=person.organization,
        channel=channel,
        link=link.strip(),
        reach=reach,
        shared_on=shared_on,
        recorded_by=actor if actor is not None and actor.pk else None,
    )
    full_clean(share)
    share.save()
    audit.record(
        actor=actor,
        action="create",
        obj=share,
        changes={"campaign": campaign.pk, "person": person.employee_no},
    )
    return share


@transaction.atomic
def share_delete(*, actor: User | None, share: Share) -> None:
    require(is_self(actor, share.person_id) or reads_org(actor, share.organization), hide=True)
    require(can_register_share(actor, share.person))
    audit.record(actor=actor, action="delete", obj=share, changes={"campaign": share.campaign_id})
    share.delete()
