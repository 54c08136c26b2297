"""validate_base_url and is_loopback_host: which hosts may use plain http."""

from __future__ import annotations

import pytest

from outpost_tui.api import InsecureURLError, is_loopback_host, validate_base_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8900", "http://127.0.0.1:8900"),
        ("http://127.0.0.1:8900/", "http://127.0.0.1:8900"),
        ("http://127.5.6.7", "http://127.5.6.7"),
        ("http://localhost:8900", "http://localhost:8900"),
        ("http://LOCALHOST", "http://LOCALHOST"),
        ("http://demo.localhost:8900", "http://demo.localhost:8900"),
        ("http://[::1]:8900", "http://[::1]:8900"),
    ],
)
def test_http_to_loopback_allowed(url, expected):
    assert validate_base_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://outpost.run",
        "http://192.168.1.10:8900",
        "http://10.0.0.1",
        "http://0.0.0.0:8900",
        "http://[::]:8900",
        "http://localhost.example.com",
        "http://localhost@outpost.example",
        "http://127.0.0.1.example.com",
    ],
)
def test_http_to_remote_host_rejected(url):
    with pytest.raises(InsecureURLError, match="plain http://"):
        validate_base_url(url)


def test_insecure_message_names_host_and_fix():
    with pytest.raises(InsecureURLError) as caught:
        validate_base_url("http://outpost.example")

    assert "outpost.example" in str(caught.value)
    assert "--allow-insecure-http" in str(caught.value)


def test_http_to_remote_host_with_opt_in():
    url = validate_base_url("http://outpost.example:8080", allow_insecure_http=True)

    assert url == "http://outpost.example:8080"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://outpost.run", "https://outpost.run"),
        ("https://outpost.run/", "https://outpost.run"),
        ("  https://outpost.run:8443  ", "https://outpost.run:8443"),
        ("https://10.0.0.1", "https://10.0.0.1"),
    ],
)
def test_https_allowed(url, expected):
    assert validate_base_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://outpost.run/auth/v1",
        "https://outpost.run/api/",
        "https://outpost.run?debug=1",
        "https://outpost.run/#top",
        "http://127.0.0.1:8900/auth/v1",
    ],
)
def test_path_query_or_fragment_rejected(url):
    with pytest.raises(InsecureURLError, match="only the scheme and host"):
        validate_base_url(url, allow_insecure_http=True)


@pytest.mark.parametrize(
    "url",
    ["", "outpost.run", "ftp://outpost.run", "file:///etc/passwd", "https://", "ws://127.0.0.1"],
)
def test_missing_scheme_or_host_rejected(url):
    with pytest.raises(InsecureURLError, match="invalid base URL"):
        validate_base_url(url)


def test_insecure_url_error_is_value_error():
    assert issubclass(InsecureURLError, ValueError)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("::1", True),
        ("api.localhost", True),
        ("localhost.example.com", False),
        ("10.0.0.1", False),
        ("outpost.run", False),
        ("", False),
    ],
)
def test_is_loopback_host(host, expected):
    assert is_loopback_host(host) is expected
