"""Every write of the brand app: validated, permission-checked, audited, one transaction.

Other apps turn their records into deeds through `deed_record(..., source=obj)`: a fulfilled wish,
a mission, a meeting. The deed keeps a link to that record (model label, pk, label, URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import models, transaction
from django.urls import NoReverseMatch

from qixin.core import audit
from qixin.core.access import reads_org, require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.orgs.models import Organization
from qixin.orgs.services import full_clean
from qixin.people.models import Person

from .models import BrandFramework, Deed, Pillar
from .permissions import can_manage_org, can_record_deed, can_view_person
from .selectors import framework_effective


@transaction.atomic
def framework_define(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    slogan: str = "",
    description: str = "",
    pillars: Sequence[str] | Sequence[tuple[str, str]] = (),
) -> BrandFramework:
    """Define (or change) an organization's own brand. Its sub-organizations inherit it unless they
    define their own. Pillars are given in order as names or (name, description); a pillar that
    already tags deeds cannot be removed, only renamed through pillar_update."""
    require(reads_org(actor, organization), hide=True)
    require(can_manage_org(actor, organization))
    framework = BrandFramework.objects.filter(organization=organization).first()
    before: dict[str, Any] = {}
    if framework is None:
        framework = BrandFramework(organization=organization)
    else:
        before = {"name": framework.name, "slogan": framework.slogan, "description": framework.description}
    framework.name, framework.slogan, framework.description = (
        name.strip(),
        slogan.strip(),
        description.strip(),
    )
    full_clean(framework)
    framework.save()
    wanted: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for item in pillars:
        pillar_name, pillar_text = (item, "") if isinstance(item, str) else item
        pillar_name = pillar_name.strip()
        if not pillar_name:
            continue
        if any(pillar_name == w[0] for w in wanted):
            problems.append(Problem(message=f"要素“{pillar_name}”重复。", field="品牌要素"))
        wanted.append((pillar_name, pillar_text.strip()))
    if pillars and not wanted:
        problems.append(Problem(message="至少填写一个品牌要素。", field="品牌要素"))
    existing = {p.name: p for p in framework.pillars.all()}
    for gone in set(existing) - {w[0] for w in wanted}:
        if wanted and existing[gone].deeds.exists():
            problems.append(Problem(message=f"要素“{gone}”已用于标记党员事迹，不能删除。", field="品牌要素"))
    if problems:
        raise ApplicationError("invalid", "品牌要素有误，请修改后再提交。", problems)
    if wanted:
        for gone in set(existing) - {w[0] for w in wanted}:
            existing[gone].delete()
        for position, (pillar_name, pillar_text) in enumerate(wanted, start=1):
            pillar = existing.get(pillar_name) or Pillar(framework=framework, name=pillar_name)
            pillar.description, pillar.position = pillar_text, position
            full_clean(pillar)
            pillar.save()
    after = {"name": framework.name, "slogan": framework.slogan, "description": framework.description}
    audit.record(
        actor=actor,
        action="update" if before else "create",
        obj=framework,
        changes={**audit.diff(before, after), "pillars": [w[0] for w in wanted]},
    )
    return framework


@transaction.atomic
def framework_remove(*, actor: User | None, organization: Organization) -> None:
    """Stop defining an own brand: the organization inherits its ancestors' again. A brand whose
    pillars already tag deeds stays (the deeds would lose their meaning)."""
    require(reads_org(actor, organization), hide=True)
    require(can_manage_org(actor, organization))
    framework = BrandFramework.objects.filter(organization=organization).first()
    if framework is None:
        raise ApplicationError("no_framework", f"“{organization.name}”没有自己的党员品牌。")
    if Deed.pillars.through.objects.filter(pillar__framework=framework).exists():
        raise ApplicationError("framework_in_use", f"“{framework.name}”的要素已用于标记党员事迹，不能删除。")
    audit.record(actor=actor, action="delete", obj=framework, changes={"name": framework.name})
    framework.delete()


def _source_fields(source: models.Model | None, url: str) -> dict[str, str]:
    if source is None:
        return {"source_model": "", "source_pk": "", "source_label": "", "source_url": url}
    if not url:
        get_url = getattr(source, "get_absolute_url", None)
        if callable(get_url):
            try:
                url = str(get_url())
            except NoReverseMatch:
                url = ""
    return {
        "source_model": source._meta.label_lower,
        "source_pk": str(source.pk),
        "source_label": str(source)[:200],
        "source_url": url[:300],
    }


def resolve_pillars(person: Person, pillars: Iterable[Pillar | str]) -> list[Pillar]:
    """Pillars (objects or names) of the person's effective brand; anything else is refused."""
    framework = framework_effective(person.organization)
    own = {p.name: p for p in framework.pillars.all()} if framework else {}
    chosen: list[Pillar] = []
    problems: list[Problem] = []
    for item in pillars:
        pillar = own.get(item.strip()) if isinstance(item, str) else item
        if pillar is None or framework is None or pillar.framework_id != framework.pk:
            label = item if isinstance(item, str) else item.name
            brand = f"“{framework.name}”" if framework else "（所在组织未设立党员品牌）"
            problems.append(Problem(message=f"“{label}”不是{brand}的品牌要素。", field="品牌要素"))
        elif pillar not in chosen:
            chosen.append(pillar)
    if problems:
        raise ApplicationError("invalid_pillar", "品牌要素有误。", problems)
    return chosen


@transaction.atomic
def deed_record(
    *,
    actor: User | None,
    person: Person,
    pillars: Iterable[Pillar | str],
    on: date,
    description: str,
    source: models.Model | None = None,
    source_url: str = "",
    attachment: File[Any] | None = None,
) -> Deed:
    """Record what a member did, tagged with pillars (objects or names) of the brand in force at
    their organization, with evidence: an attachment, or the record it came from (`source`, any
    model instance: a mission assignment, a fulfilled wish, a meeting...). A source turns into at most
    one deed per person (refused the second time with code "deed_exists").

    Who may: who keeps the records of the person's organization, or the person themself."""
    require(can_view_person(actor, person), hide=True)
    require(can_record_deed(actor, person))
    description = description.strip()
    if not description:
        raise ApplicationError("invalid", "请填写事迹内容。", [Problem(message="不能为空", field="事迹")])
    chosen = resolve_pillars(person, pillars)
    fields = _source_fields(source, source_url.strip())
    if (
        fields["source_model"]
        and Deed.objects.filter(
            person=person, source_model=fields["source_model"], source_pk=fields["source_pk"]
        ).exists()
    ):
        raise ApplicationError(
            "deed_exists", f"{person.name}的这项记录（{fields['source_label']}）已记为事迹。"
        )
    deed = Deed(
        person=person,
        organization=person.organization,
        done_on=on,
        description=description,
        recorded_by=actor if actor is not None and actor.pk else None,
        **fields,
    )
    if attachment is not None:
        deed.attachment.save(getattr(attachment, "name", "") or "evidence", attachment, save=False)
    full_clean(deed)
    deed.save()
    deed.pillars.set(chosen)
    audit.record(
        actor=actor,
        action="create",
        obj=deed,
        changes={
            "person": person.employee_no,
            "done_on": on,
            "pillars": [p.name for p in chosen],
            "source": f"{fields['source_model']}#{fields['source_pk']}" if fields["source_model"] else "",
        },
    )
    return deed


@transaction.atomic
def deed_delete(*, actor: User | None, deed: Deed) -> None:
    """Remove a deed recorded by mistake (who keeps the branch's records, or its author)."""
    require(can_view_person(actor, deed.person), hide=True)
    require(can_record_deed(actor, deed.person))
    audit.record(
        actor=actor,
        action="delete",
        obj=deed,
        changes={"person": deed.person.employee_no, "done_on": deed.done_on},
    )
    deed.delete()
