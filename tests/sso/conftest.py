import pytest


@pytest.fixture
def client():
    """A test client that sends a Host header, as every browser does (python3-saml reads it)."""
    from django.test import Client

    return Client(HTTP_HOST="testserver")
