"""The points a suggestion earns its people, per event: rules (qixin.core.rules) an organization may
override for its subtree. Defined here rather than in services so that start-up (the app's `ready`)
registers them without importing the services and the search and segmentation they need."""

from __future__ import annotations

from qixin.core.rules import define

from .models import PointsEvent

SOURCE = "旗心默认设置（可调整）"

POINTS_RULES = {
    PointsEvent.SUBMITTED: define("improve.points.submitted", "提交一条建议所得积分", 1, source=SOURCE),
    PointsEvent.ACCEPTED: define("improve.points.accepted", "建议被采纳所得积分", 5, source=SOURCE),
    PointsEvent.IMPLEMENTED: define("improve.points.implemented", "建议实施后所得积分", 10, source=SOURCE),
    PointsEvent.CONVERTED: define("improve.points.converted", "建议转为项目所得积分", 10, source=SOURCE),
}
