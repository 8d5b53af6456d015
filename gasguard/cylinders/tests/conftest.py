import pytest

from gasguard import testing

from . import helpers


@pytest.fixture
def gas(personas):
    """A licensed LPG company of 塘沽街道 with its filling station, certified people and an enterprise user."""
    return helpers.gas_company("滨海燃气有限公司", testing.STREET_A)


@pytest.fixture
def rival(personas):
    """Another licensed company, of 杭州道街道."""
    return helpers.gas_company("杭州道液化气有限公司", testing.STREET_B)


@pytest.fixture
def agency(personas):
    """A cylinder inspection agency's account."""
    return helpers.agency_user()
