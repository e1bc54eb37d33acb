"""A small known world for notices: a committee with two branches, members and an employee who is not
a member, the secretaries of both branches, and a party worker of the committee."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.builders import D, account, grant, org, person

from qixin.core.models import Role
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(part: str) -> bytes:
    """A minimal Office file: a zip with the part that makes it a document or a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def world(db) -> dict[str, Any]:
    admin = system_user()
    root = org(None, "R", OrgKind.COMMITTEE, "示例公司党委")
    b1 = org(root, "R-1", name="一支部")
    b2 = org(root, "R-2", name="二支部")
    s1 = person(b1, "S1", category="正式党员")
    m1 = person(b1, "M1", category="正式党员")
    m2 = person(b1, "M2", category="预备党员", joined=D(2026, 3, 1))
    e1 = person(b1, "E1")
    s2 = person(b2, "S2", category="正式党员")
    n1 = person(b2, "N1", category="正式党员")
    for branch, who in ((b1, s1), (b2, s2)):
        org_services.position_assign(
            actor=admin, org=branch, person_id=who.pk, title="secretary", started_on=D(2024, 1, 1)
        )
    return {
        "admin": admin,
        "root": root,
        "b1": b1,
        "b2": b2,
        "s1": s1,
        "m1": m1,
        "m2": m2,
        "e1": e1,
        "s2": s2,
        "n1": n1,
        "secretary": account("S1", person=s1),
        "member": account("M1", person=m1),
        "probationer": account("M2", person=m2),
        "employee": account("E1", person=e1),
        "other_secretary": account("S2", person=s2),
        "other_member": account("N1", person=n1),
        "worker": grant(account("dangwu"), Role.PARTY_WORKER, root),
    }
