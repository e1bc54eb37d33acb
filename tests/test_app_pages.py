"""The apps' pages about one person or one organization are linked from the person and organization
pages (each app declares them on its AppConfig)."""

import pytest
from django.urls import reverse
from tests.builders import account
from tests.test_query_counts import world

from qixin.people.models import Membership

pytestmark = pytest.mark.django_db


def test_the_person_and_organization_pages_link_the_apps_pages_about_them(client):
    worker, root, branch = world(6)
    client.force_login(worker)
    membership = Membership.objects.filter(branch=branch).first()
    assert membership is not None
    member = membership.person
    person_page = client.get(reverse("people:detail", args=[member.pk])).content.decode()
    assert reverse("brand:person", args=[member.pk]) in person_page
    org_page = client.get(reverse("orgs:detail", args=[branch.pk])).content.decode()
    assert reverse("brand:org", args=[branch.pk]) in org_page
    assert reverse("life:compliance", args=[branch.pk]) in org_page
    assert client.get(reverse("life:compliance", args=[branch.pk])).status_code == 200
    assert reverse("life:compliance", args=[root.pk]) in client.get(reverse("home")).content.decode()
    assert client.get(reverse("brand:person", args=[member.pk])).status_code == 200


def test_an_employee_is_offered_only_the_pages_they_can_use(client):
    from qixin.people.models import Person

    worker, _root, _branch = world(6)
    employee = Person.objects.filter(employee_no="E0000").get()
    user = account("E0000", password="unused-password-2026", person=employee)
    client.force_login(user)
    menu = (
        client.get(reverse("home")).content.decode().split('<nav id="main-nav"', 1)[1].split("</nav>", 1)[0]
    )
    assert reverse("improve:index") in menu
    for hidden in (reverse("orgs:tree"), reverse("reports:dashboard"), reverse("life:index")):
        assert hidden not in menu
    client.force_login(worker)
    menu = (
        client.get(reverse("home")).content.decode().split('<nav id="main-nav"', 1)[1].split("</nav>", 1)[0]
    )
    assert all(
        url in menu for url in (reverse("orgs:tree"), reverse("reports:dashboard"), reverse("life:index"))
    )
