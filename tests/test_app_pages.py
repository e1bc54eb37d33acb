"""The apps' pages about one person or one organization are linked from the person and organization
pages (each app declares them on its AppConfig)."""

import pytest
from django.urls import reverse
from tests.test_query_counts import world

from qixin.people.models import Membership

pytestmark = pytest.mark.django_db


def test_the_person_and_organization_pages_link_the_apps_pages_about_them(client):
    worker, root, branch = world(6)
    client.force_login(worker)
    member = Membership.objects.filter(branch=branch).first().person
    person_page = client.get(reverse("people:detail", args=[member.pk])).content.decode()
    assert reverse("brand:person", args=[member.pk]) in person_page
    org_page = client.get(reverse("orgs:detail", args=[branch.pk])).content.decode()
    assert reverse("brand:org", args=[branch.pk]) in org_page
    assert reverse("life:compliance", args=[branch.pk]) in org_page
    assert client.get(reverse("life:compliance", args=[branch.pk])).status_code == 200
    assert reverse("life:compliance", args=[root.pk]) in client.get(reverse("home")).content.decode()
    assert client.get(reverse("brand:person", args=[member.pk])).status_code == 200
