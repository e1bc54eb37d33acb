"""Every write of the advocacy app: validated, permission-checked, audited, one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import is_self, reads_org, require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.services import model_update, update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .models import Campaign, ContentItem, Share
from .permissions import (
    can_delete_share,
    can_manage_campaign,
    can_manage_org,
    can_register_share,
    can_view_campaign,
)


def _required(value: str, label: str) -> str:
    """Text a record cannot do without, stripped; left empty, the refusal names the field."""
    value = value.strip()
    if not value:
        raise ApplicationError("required", f"请填写{label}。", [Problem(message="不能为空", field=label)])
    return value


def _check_campaign(
    *, name: str, starts_on: date, ends_on: date | None, campaign: Campaign | None = None
) -> str:
    """The rules of a campaign, when it starts and whenever it is changed or closed (``campaign`` is
    then the one being changed): a name, an end (if any) not before the start, and every share
    already registered still inside the period (share_register only takes days inside it). Returns
    the stripped name."""
    name = _required(name, "活动名称")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(
            "bad_period", "结束日期不能早于开始日期。", [Problem(message="早于开始日期", field="结束日期")]
        )
    if campaign is not None:
        outside = Q(shared_on__lt=starts_on)
        if ends_on is not None:
            outside |= Q(shared_on__gt=ends_on)
        days = list(campaign.shares.filter(outside).order_by("shared_on").values_list("shared_on", flat=True))
        if days:
            shown = "、".join(sorted({d.isoformat() for d in days})[:5])
            raise ApplicationError(
                "shares_outside",
                f"已有{len(days)}条分享登记的日期（{shown}）不在活动期间内，请先核对或删除这些登记。",
                [
                    Problem(
                        message="已有分享登记在此日期之外",
                        field="开始日期" if days[0] < starts_on else "结束日期",
                    )
                ],
            )
    return name


def _campaign_facts(campaign: Campaign) -> dict[str, Any]:
    """What a change of a campaign is audited by."""
    return {
        "name": campaign.name,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
    }


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
    """Start a campaign for an organization's subtree with its content: (title, url, text) items,
    under the rules of _check_campaign."""
    require(reads_org(actor, organization), hide=True)
    require(can_manage_org(actor, organization))
    name = _check_campaign(name=name, starts_on=starts_on, ends_on=ends_on)
    campaign = Campaign(
        organization=organization,
        name=name,
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


@transaction.atomic
class CampaignChanges(TypedDict, total=False):
    name: str
    description: str
    starts_on: date
    ends_on: date | None


CAMPAIGN_FIELDS = ("name", "description", "starts_on", "ends_on")


def campaign_update(
    *, actor: User | None, campaign: Campaign, **changes: Unpack[CampaignChanges]
) -> Campaign:
    """Correct a campaign's name, description or period, by who keeps the records of the
    organization that started it, under the same rules as when it started (a period that still holds
    every share registered). The organization stays: it decides who the campaign addresses and under
    which subtree its shares count. Only the fields given change (a partial update)."""
    require(reads_org(actor, campaign.organization), hide=True)
    require(can_manage_campaign(actor, campaign))
    values = update_values(campaign, changes, CAMPAIGN_FIELDS)
    values["name"] = _check_campaign(
        name=values["name"], starts_on=values["starts_on"], ends_on=values["ends_on"], campaign=campaign
    )
    values["description"] = values["description"].strip()
    model_update(instance=campaign, data=values, fields=CAMPAIGN_FIELDS, actor=actor, facts=_campaign_facts)
    return campaign


@transaction.atomic
def campaign_close(*, actor: User | None, campaign: Campaign, on: date) -> Campaign:
    """End a running campaign on a day (today or earlier), by its managers: from the next day no
    share can be registered in it (share_register). A campaign that has already ended is not closed
    again (its end date is corrected with campaign_update); shares registered after the day are
    refused, as in _check_campaign."""
    require(reads_org(actor, campaign.organization), hide=True)
    require(can_manage_campaign(actor, campaign))
    today = timezone.localdate()
    if campaign.ends_on is not None and campaign.ends_on < today:
        raise ApplicationError("ended", f"“{campaign.name}”已于{campaign.ends_on}结束。")
    if on > today:
        raise ApplicationError(
            "future_date", "结束日期不能晚于今天。", [Problem(message="晚于今天", field="结束日期")]
        )
    _check_campaign(name=campaign.name, starts_on=campaign.starts_on, ends_on=on, campaign=campaign)
    before = campaign.ends_on
    campaign.ends_on = on
    full_clean(campaign)
    campaign.save(update_fields=["ends_on", "updated_at"])
    audit.record(actor=actor, action="close", obj=campaign, changes={"ends_on": [before, on]})
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
    require(can_manage_campaign(actor, campaign))
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
    """Delete a share registered by mistake (wrong person, day or link), by whoever may register it:
    the participant themself, or who keeps the records of their organization. The figures are derived
    from the shares, so they follow; the audit entry keeps what the share was."""
    require(is_self(actor, share.person_id) or reads_org(actor, share.organization), hide=True)
    require(can_delete_share(actor, share))
    audit.record(
        actor=actor,
        action="delete",
        obj=share,
        changes={
            "campaign": share.campaign_id,
            "person": share.person.employee_no,
            "channel": share.channel,
            "link": share.link,
            "reach": share.reach,
            "shared_on": share.shared_on,
        },
    )
    share.delete()
