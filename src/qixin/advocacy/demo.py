"""Demo data of this app, a step of `qixin seed-demo` (see qixin.demo.seed).

Per enterprise: the brand campaign "爱我所爱、我来代言" in the spring and the product campaign "我的最亲密
接触" in the autumn, with their content; employees (members and others) who chose to share register
what they shared, about one in ten of them. Trusted data loaded in bulk. The campaigns are dated
back from the day the demo is loaded: the autumn one ended yesterday, the spring one in the summer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from qixin.brand.demo import enterprises, insert_rows
from qixin.demo.context import Context

from .models import Campaign, Channel, ContentItem, Share

CAMPAIGNS = [
    (
        "爱我所爱、我来代言",
        "员工为自己参与制造的产品代言：分享新车海报、上市视频和用车故事。",
        214,  # began so many days before today
        124,  # ended so many days before today
        [
            ("新车上市海报", "https://www.example.com/launch"),
            ("工厂开放日视频", "https://www.example.com/openday"),
        ],
    ),
    (
        "我的最亲密接触",
        "邀请亲友到展厅试驾、参观工厂，分享与产品的“最亲密接触”。",
        92,
        1,
        [("试驾预约页", "https://www.example.com/testdrive")],
    ),
]
PARTICIPATION = 0.1
CHANNELS = [c for c, _ in Channel.choices]


def seed(ctx: Context) -> None:
    rng = ctx.rng
    shares: list[dict[str, Any]] = []
    campaigns = 0
    for root in enterprises(ctx):
        inside = {b.pk for b in ctx.branches if b.path.startswith(root.path)}
        people = [p for p in ctx.people if p.organization_id in inside]
        for name, description, began, ended, items in CAMPAIGNS:
            starts, ends = ctx.ago(began), ctx.ago(ended)
            campaign = Campaign.objects.create(
                organization=root, name=name, description=description, starts_on=starts, ends_on=ends
            )
            campaigns += 1
            contents = ContentItem.objects.bulk_create(
                [
                    ContentItem(campaign=campaign, title=title, url=url, position=i)
                    for i, (title, url) in enumerate(items, 1)
                ]
            )
            span = (ends - starts).days
            for person in rng.sample(people, int(len(people) * PARTICIPATION)):
                for _ in range(1 if rng.random() < 0.7 else 2):
                    shares.append(
                        {
                            "campaign_id": campaign.pk,
                            "item_id": rng.choice(contents).pk,
                            "person_id": person.pk,
                            "organization_id": person.organization_id,
                            "channel": rng.choice(CHANNELS),
                            "link": "",
                            "reach": rng.randint(5, 300) if rng.random() < 0.6 else None,
                            "shared_on": starts + timedelta(days=rng.randrange(span)),
                        }
                    )
    insert_rows(Share, shares)
    ctx.log(f"  品牌代言：{campaigns}项活动，{len(shares)}次分享")
