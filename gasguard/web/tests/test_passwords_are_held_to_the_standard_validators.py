"""New passwords pass Django's four validators: at least PASSWORD_MIN_LENGTH (10) characters, not common, not all
digits, not like the user's own name; the refusal is in Chinese."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.django_db
@pytest.mark.parametrize("password, why", [
    ("Gq7#pL2x", "至少"),            # 8 characters
    ("password1234", "太常见"),
    ("20231025123456", "只包含数字"),
    ("zhangwei-tanggu", "相似"),
])
def test_a_weak_password_is_refused_with_the_reason(personas, password, why):
    user = personas.street_a
    user.username, user.full_name = "zhangwei-tanggu", "zhangwei"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert why in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted(personas):
    validate_password("gate-reader-滨海-7381", personas.street_a)
