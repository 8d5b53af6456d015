"""统一社会信用代码 (GB 32100-2015): 18 characters of a 31-letter alphabet, the last one a check character."""
import pytest
from django.core.exceptions import ValidationError

from gasguard.org.models import Enterprise
from gasguard.utilities.credit_code import credit_code_check_char, credit_code_error, make_credit_code

KNOWN = "91350100M000100Y43"


def test_a_known_valid_code_passes():
    assert credit_code_error(KNOWN) is None
    assert credit_code_check_char(KNOWN[:17]) == "3"


def test_case_and_surrounding_spaces_do_not_matter():
    assert credit_code_error(f"  {KNOWN.lower()} ") is None


@pytest.mark.parametrize("wrong", ["0", "4", "Y", "A"])
def test_a_wrong_check_character_is_refused(wrong):
    error = credit_code_error(KNOWN[:17] + wrong)
    assert "校验位" in error and "“3”" in error


@pytest.mark.parametrize("code", [KNOWN[:17], KNOWN + "0", "", "9"])
def test_a_wrong_length_is_refused(code):
    error = credit_code_error(code)
    assert "18位" in error or "不能为空" in error


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_the_letters_the_standard_forbids_are_refused(letter):
    code = KNOWN[:8] + letter + KNOWN[9:]
    assert "不允许的字符" in credit_code_error(code)


def test_punctuation_is_refused():
    assert "不允许的字符" in credit_code_error("91350100M000100-43")


def test_make_credit_code_appends_a_valid_check_character():
    for body in ("91120116MA000000", "1212000000000000", "93120116Q0000123"):
        code = make_credit_code(body)
        assert len(code) == 18 and credit_code_error(code) is None


def test_the_enterprise_model_refuses_an_invalid_code():
    enterprise = Enterprise(name="无效代码公司", credit_code=KNOWN[:17] + "4", kind="user")
    with pytest.raises(ValidationError) as refused:
        enterprise.clean()
    assert "校验位" in refused.value.message_dict["credit_code"][0]
    enterprise.credit_code = f" {KNOWN.lower()}"
    enterprise.clean()
    assert enterprise.credit_code == KNOWN
