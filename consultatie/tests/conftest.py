import pytest

from consultatie.tests.factories import ThemaFactory


@pytest.fixture
def thema(db):
    return ThemaFactory(name="Leren en studeren (test)", position=1)


@pytest.fixture
def other_thema(db):
    return ThemaFactory(name="Welbevinden (test)", position=2)
