"""Sensitive fields at rest: AES-GCM with key rotation; older Fernet values still read."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from tests.builders import id_number, org, person

from qixin.core import crypto
from qixin.orgs.models import OrgKind

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_value_round_trips_and_is_not_stored_in_clear(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    token = crypto.encrypt("13800138000")
    assert token.startswith("2:")
    assert "13800138000" not in token
    assert crypto.encrypt("13800138000") != token  # a fresh nonce each time
    assert crypto.decrypt(token) == "13800138000"


def test_rotation_new_key_encrypts_old_key_still_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    old_token = crypto.encrypt("上海市嘉定区安亭镇")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    assert crypto.decrypt(old_token) == "上海市嘉定区安亭镇"
    settings.FIELD_ENCRYPTION_KEY = NEW
    with pytest.raises(ValueError, match="字段密钥"):
        crypto.decrypt(old_token)


def test_values_written_with_fernet_are_still_read(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    legacy = Fernet(OLD.encode()).encrypt(b"310101199001011237").decode()
    assert crypto.decrypt(legacy) == "310101199001011237"


@pytest.mark.django_db
def test_the_database_holds_ciphertext_only():
    number = id_number()
    branch = org(org(None, "R", OrgKind.COMMITTEE), "B")
    p = person(branch, "P1", id_number=number, birth_date=None, phone="13800138000")
    with connection.cursor() as cursor:
        cursor.execute("select id_number, phone from people_person where id = %s", [p.pk])
        stored = cursor.fetchone()
    assert number not in stored[0]
    assert "13800138000" not in stored[1]
    p.refresh_from_db()
    assert (p.id_number, p.phone) == (number, "13800138000")
