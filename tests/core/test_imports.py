"""What every import shares (qixin.core.imports): a previewed upload kept private, encrypted and
briefly, deleted on every path; another import holding the database answered in Chinese, never a
traceback; the rows read and checked outside the write transaction."""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from tests.builders import D, id_number, org, superuser
from tests.hostile_files import csv_bytes

from qixin.cli import main as cli
from qixin.core import bulk, tabular
from qixin.core.errors import ApplicationError
from qixin.core.services import api_token_create
from qixin.orgs.models import Organization, OrgKind
from qixin.people import importers as people_importers
from qixin.people import services as people_services
from qixin.people.importers import HEADERS
from qixin.people.models import Person

ID_NUMBER = id_number(D(1990, 1, 1), 2, "男")


def roster(number: str = "QX001") -> bytes:
    row = {
        "工号": number,
        "姓名": "张明",
        "公民身份号码": ID_NUMBER,
        "人员类别": "正式党员",
        "所在党支部": "B1",
        "加入党组织日期": "2015-07-01",
        "转为正式党员日期": "2016-07-01",
        "联系电话": "13800138000",
    }
    return csv_bytes([HEADERS, [row.get(h, "") for h in HEADERS]])


@pytest.fixture
def branch(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return org(org(None, "R", OrgKind.COMMITTEE, "示例党委"), "B1", name="第一党支部")


@pytest.fixture
def admin(db):
    return superuser("admin", password="x-Password-2026")


def staged(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def preview(client, name: str = "花名册.csv", data: bytes | None = None):
    upload = SimpleUploadedFile(name, roster() if data is None else data, content_type="text/csv")
    return client.post(reverse("people:import"), {"file": upload})


def confirm(client, token: str):
    return client.post(reverse("people:import"), {"token": token, "filename": "花名册.csv"})


# --- the staged upload -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_preview_is_kept_encrypted_and_readable_by_the_server_account_only(client, admin, branch, settings):
    client.force_login(admin)
    response = preview(client)
    token = response.context["token"]
    folder = settings.MEDIA_ROOT / "imports"
    path = folder / f"{admin.pk}-{token}"
    assert staged(settings) == [path.name]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert ID_NUMBER.encode() not in content
    assert b"13800138000" not in content
    assert "张明".encode() not in content


@pytest.mark.django_db
def test_a_confirmed_import_deletes_its_preview(client, admin, branch, settings):
    client.force_login(admin)
    token = preview(client).context["token"]
    done = confirm(client, token)
    assert "共1行：已新增1条" in done.content.decode()
    assert Person.objects.filter(employee_no="QX001").count() == 1
    assert staged(settings) == []


@pytest.mark.django_db
def test_a_failed_confirmation_deletes_its_preview(client, admin, branch, settings):
    client.force_login(admin)
    token = preview(client).context["token"]
    Organization.objects.filter(code="B1").update(dissolved_on=D(2026, 1, 1))  # the branch is gone since
    refused = confirm(client, token)
    assert refused.status_code == 400
    assert refused.context["error"].code == "invalid_rows"
    assert Person.objects.count() == 0
    assert staged(settings) == []


@pytest.mark.django_db
def test_an_expired_preview_is_refused_and_deleted(client, admin, branch, settings):
    client.force_login(admin)
    token = preview(client).context["token"]
    path = settings.MEDIA_ROOT / "imports" / f"{admin.pk}-{token}"
    old = time.time() - settings.QIXIN_IMPORT_PREVIEW_SECONDS - 1
    os.utime(path, (old, old))
    refused = confirm(client, token)
    assert (refused.status_code, refused.context["error"].code) == (400, "expired")
    assert "待导入的文件已过期，请重新上传。" in refused.content.decode()
    assert Person.objects.count() == 0
    assert staged(settings) == []


@pytest.mark.django_db
def test_a_second_preview_replaces_the_first(client, admin, branch, settings):
    client.force_login(admin)
    first = preview(client).context["token"]
    second = preview(client).context["token"]
    assert staged(settings) == [f"{admin.pk}-{second}"]
    assert (confirm(client, first).context["error"].code, Person.objects.count()) == ("expired", 0)
    assert "共1行：已新增1条" in confirm(client, second).content.decode()


@pytest.mark.django_db
def test_another_user_cannot_confirm_a_preview(client, admin, branch, settings):
    client.force_login(admin)
    token = preview(client).context["token"]
    other = superuser("other", password="x-Password-2026")
    client.force_login(other)
    assert confirm(client, token).context["error"].code == "expired"
    assert Person.objects.count() == 0
    assert staged(settings) == [f"{admin.pk}-{token}"]


@pytest.mark.django_db
def test_purge_deletes_expired_previews_only_and_a_new_preview_purges_too(client, admin, branch, settings):
    client.force_login(admin)
    old_token = preview(client).context["token"]
    other = superuser("other", password="x-Password-2026")
    client.force_login(other)
    fresh_token = preview(client).context["token"]
    old = time.time() - settings.QIXIN_IMPORT_PREVIEW_SECONDS - 1
    os.utime(settings.MEDIA_ROOT / "imports" / f"{admin.pk}-{old_token}", (old, old))

    result = CliRunner().invoke(cli, ["imports", "purge"])
    assert (result.exit_code, result.output) == (0, "已删除 1 个过期的导入暂存文件。\n")
    assert staged(settings) == [f"{other.pk}-{fresh_token}"]

    os.utime(settings.MEDIA_ROOT / "imports" / f"{other.pk}-{fresh_token}", (old, old))
    client.force_login(admin)
    newest = preview(client).context["token"]
    assert staged(settings) == [f"{admin.pk}-{newest}"]


@pytest.mark.django_db
def test_a_refused_preview_stages_nothing(client, admin, branch, settings):
    client.force_login(admin)
    response = preview(client, data=csv_bytes([["工号"], ["QX1"]]))
    assert (response.status_code, response.context["error"].code) == (400, "bad_header")
    assert staged(settings) == []


# --- another import holding the database ---------------------------------------------------------------


class Holder(threading.Thread):
    """Another connection holding the database's write lock (SQLite) or the roster table's
    (PostgreSQL) until told to let go."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.holding, self.release = threading.Event(), threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("LOCK TABLE people_person IN EXCLUSIVE MODE")
                else:
                    Person.objects.filter(pk=0).update(name="")  # takes SQLite's write lock
                self.holding.set()
                self.release.wait(30)
        finally:
            connection.close()


@pytest.fixture
def hold(transactional_db, branch):
    """Start holding the lock from another connection; let go when the test ends."""
    holders: list[Holder] = []

    def start() -> Holder:
        holder = Holder()
        holder.start()
        assert holder.holding.wait(10)
        holders.append(holder)
        if connection.vendor == "postgresql":  # SQLite waits its busy_timeout, here a moment
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
        return holder

    yield start
    for holder in holders:
        holder.release.set()
        holder.join(10)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_an_import_while_another_holds_the_database_is_told_so_on_the_command_line(hold, tmp_path):
    source = tmp_path / "花名册.csv"
    source.write_bytes(roster())
    holder = hold()
    result = CliRunner().invoke(cli, ["import", "people", str(source)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.output == "另一项导入正在进行，请稍后再试。\n"
    holder.release.set()
    holder.join(10)
    assert Person.objects.count() == 0


def test_an_import_while_another_holds_the_database_is_a_409_on_the_api(hold, client):
    # A token, not a session: every page request saves its session, which the lock would block too.
    key = api_token_create(actor=superuser("admin", password="x-Password-2026"), name="t", days=1)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/people/", **headers).status_code == 200  # notes the token's use first
    hold()
    upload = SimpleUploadedFile("花名册.csv", roster(), content_type="text/csv")
    response = client.post("/api/v1/people/import", {"file": upload}, **headers)
    assert (response.status_code, response.json()["code"]) == (409, "import_busy")
    assert response.json()["message"] == "另一项导入正在进行，请稍后再试。"


@pytest.mark.django_db
def test_a_confirmation_that_meets_a_held_lock_is_a_409_on_the_page(
    client, admin, branch, settings, monkeypatch
):
    """The page's own session is saved on every request, so a lock held by another connection
    would block that too: here the write transaction itself meets the lock."""
    from django.db import OperationalError

    client.force_login(admin)
    token = preview(client).context["token"]

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(bulk, "execute", locked)
    response = confirm(client, token)
    assert (response.status_code, response.context["error"].code) == (409, "import_busy")
    assert "另一项导入正在进行，请稍后再试。" in response.content.decode()
    assert staged(settings) == []
    assert Person.objects.count() == 0


def test_the_runner_translates_a_lock_conflict_and_a_concurrent_write():
    from django.db import IntegrityError, OperationalError

    from qixin.core import imports

    @imports.runner(what="测试", permitted=lambda actor: True)
    def locked(*, actor, data, filename, dry_run=False, progress=False):
        raise OperationalError("database is locked")

    @imports.runner(what="测试", permitted=lambda actor: True)
    def conflicting(*, actor, data, filename, dry_run=False, progress=False):
        raise IntegrityError("UNIQUE constraint failed: people_person.employee_no")

    @imports.runner(what="测试", permitted=lambda actor: True)
    def broken(*, actor, data, filename, dry_run=False, progress=False):
        raise OperationalError("no such table: people_person")

    for run, code in ((locked, "import_busy"), (conflicting, "import_conflict")):
        with pytest.raises(ApplicationError) as refused:
            run(actor=None, data=b"", filename="a.csv")
        assert (refused.value.code, refused.value.status) == (code, 409)
    with pytest.raises(OperationalError):
        broken(actor=None, data=b"", filename="a.csv")


# --- the write transaction holds only the writing ---------------------------------------------------


def test_the_roster_is_read_and_checked_outside_the_write_transaction(transactional_db, branch, monkeypatch):
    seen: list[tuple[str, bool]] = []
    read, check = tabular.read, people_services.check_person

    def reading(*args, **kwargs):
        seen.append(("read", connection.in_atomic_block))
        return read(*args, **kwargs)

    def checking(*args, **kwargs):
        seen.append(("check", connection.in_atomic_block))
        return check(*args, **kwargs)

    monkeypatch.setattr(tabular, "read", reading)
    monkeypatch.setattr(people_importers, "check_person", checking)
    admin = superuser("admin", password="x-Password-2026")
    report = people_importers.import_roster(actor=admin, data=roster(), filename="花名册.csv")
    assert report.created == 1
    assert seen == [("read", False), ("check", False)]
