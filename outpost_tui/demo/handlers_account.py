"""Handlers for account resources: API keys, PATs, SSH keys and the catalog."""

from __future__ import annotations

from datetime import timedelta

from . import credentials
from .catalog import gpu_catalog, region_catalog
from .errors import already_exists, not_found, unprocessable
from .http import Reply, RequestContext
from .listing import newest_first, paginate
from .sshkeys import InvalidPublicKey, parse_public_key
from .timeutil import format_time
from .validation import (
    MISSING,
    check_choice,
    check_name,
    check_range,
    check_scopes,
    read_int,
    read_string,
    read_string_list,
    require_object,
)

PAT_EXPIRY_DAYS = (30, 60, 90)
MAX_API_KEY_DAYS = 365
SSH_KEY_FIELDS = ("id", "name", "fingerprint", "public_key", "created_at")


def catalog_gpus(context: RequestContext) -> Reply:
    """Return the GPU catalog with availability per region."""
    return Reply(body={"data": gpu_catalog(context.state.unavailable_gpus)})


def catalog_regions(context: RequestContext) -> Reply:
    """Return the region catalog."""
    return Reply(body={"data": region_catalog()})


# API keys and PATs --------------------------------------------------------


def _store(context: RequestContext, kind: str) -> dict[str, dict]:
    stores = {"api_key": context.state.api_keys, "pat": context.state.pats}
    return stores[kind].setdefault(context.username, {})


def _label(kind: str) -> str:
    return "API key" if kind == "api_key" else "PAT"


def _list(context: RequestContext, kind: str) -> Reply:
    page = paginate(newest_first(_store(context, kind).values()), context.query)
    page["data"] = [credentials.to_json(record) for record in page["data"]]
    return Reply(body=page)


def _lookup(context: RequestContext, kind: str) -> dict:
    name = context.params["name"]
    record = _store(context, kind).get(name)
    if record is None:
        raise not_found(f"{_label(kind)} {name!r} not found")
    return record


def _read_credential_body(context: RequestContext, kind: str) -> tuple[str, list[str] | None, int | None]:
    body = require_object(context.body)
    name = read_string(body, "name", required=True)
    days = read_int(body, "expires_in_days", nullable=True)
    scopes = read_string_list(body, "scopes", nullable=True)
    check_name(name)
    scopes = None if scopes is MISSING else scopes
    check_scopes(scopes, credentials.SCOPES)
    days = None if days is MISSING else days
    if days is not None and kind == "pat":
        check_choice(days, PAT_EXPIRY_DAYS, "expires_in_days")
    elif days is not None:
        check_range(days, 1, MAX_API_KEY_DAYS, "expires_in_days")
    if name in _store(context, kind):
        raise already_exists(f"{_label(kind)} {name!r} already exists; pick another name")
    return name, scopes, days


def _create(context: RequestContext, kind: str) -> Reply:
    name, scopes, days = _read_credential_body(context, kind)
    expires_at = context.now.replace(microsecond=0) + timedelta(days=days) if days else None
    issue = context.state.issue_api_key if kind == "api_key" else context.state.issue_pat
    issued = issue(context.username, name, scopes=scopes, expires_at=expires_at, created_at=context.now)
    body = credentials.to_json(_store(context, kind)[name])
    if kind == "api_key":
        body["secret"] = issued.split("$", 1)[1]
    else:
        body["token"] = issued
    return Reply(201, body)


def _delete(context: RequestContext, kind: str) -> Reply:
    context.state.revoke(_lookup(context, kind))
    return Reply(204)


def list_api_keys(context: RequestContext) -> Reply:
    """List the user's API keys."""
    return _list(context, "api_key")


def create_api_key(context: RequestContext) -> Reply:
    """Create an API key; the response carries its secret, shown only this once."""
    return _create(context, "api_key")


def get_api_key(context: RequestContext) -> Reply:
    """Return one API key without its secret."""
    return Reply(body=credentials.to_json(_lookup(context, "api_key")))


def delete_api_key(context: RequestContext) -> Reply:
    """Revoke an API key at once, even the one signing this request."""
    return _delete(context, "api_key")


def list_pats(context: RequestContext) -> Reply:
    """List the user's personal access tokens."""
    return _list(context, "pat")


def create_pat(context: RequestContext) -> Reply:
    """Create a PAT; the response carries its token, shown only this once."""
    return _create(context, "pat")


def get_pat(context: RequestContext) -> Reply:
    """Return one PAT without its token."""
    return Reply(body=credentials.to_json(_lookup(context, "pat")))


def delete_pat(context: RequestContext) -> Reply:
    """Revoke a PAT at once."""
    return _delete(context, "pat")


# SSH keys -----------------------------------------------------------------


def _ssh_key_json(record: dict) -> dict:
    body = {name: record.get(name) for name in SSH_KEY_FIELDS}
    body["created_at"] = format_time(body["created_at"])
    return body


def list_ssh_keys(context: RequestContext) -> Reply:
    """List the user's SSH keys."""
    keys = context.state.ssh_keys.setdefault(context.username, {})
    page = paginate(newest_first(keys.values()), context.query)
    page["data"] = [_ssh_key_json(record) for record in page["data"]]
    return Reply(body=page)


def add_ssh_key(context: RequestContext) -> Reply:
    """Add an OpenSSH public key after checking it parses and is not already on the account."""
    body = require_object(context.body)
    name = read_string(body, "name", required=True)
    public_key = read_string(body, "public_key", required=True)
    if not name.strip() or len(name) > 64:
        raise unprocessable(f"invalid name {name!r}; use 1-64 characters", "name")
    try:
        parsed = parse_public_key(public_key)
    except InvalidPublicKey as error:
        raise unprocessable(f"invalid public_key: {error}", "public_key") from error
    keys = context.state.ssh_keys.setdefault(context.username, {})
    if any(record["name"] == name for record in keys.values()):
        raise already_exists(f"SSH key {name!r} already exists; pick another name")
    for record in keys.values():
        if record["fingerprint"] == parsed.fingerprint:
            raise already_exists(
                f"this key is already on the account as {record['name']!r} ({parsed.fingerprint})", "public_key"
            )
    key_id = context.state.ids.new("ssh")
    keys[key_id] = {
        "id": key_id, "name": name, "fingerprint": parsed.fingerprint,
        "public_key": public_key.strip(), "created_at": context.now,
    }
    return Reply(201, _ssh_key_json(keys[key_id]))


def delete_ssh_key(context: RequestContext) -> Reply:
    """Remove an SSH key by id."""
    keys = context.state.ssh_keys.setdefault(context.username, {})
    key_id = context.params["id"]
    if key_id not in keys:
        raise not_found(f"SSH key {key_id!r} not found")
    del keys[key_id]
    return Reply(204)
