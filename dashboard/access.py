"""Who is looking, and what their role lets them see and do: the one place access is decided.

Login: Streamlit's native OpenID Connect (`st.login`) when `.streamlit/secrets.toml` has an
`[auth]` section (the regions use Microsoft Entra ID; README). Roles come from a mapping file,
`config/roles.toml` (or the file OVERBLIK_ROLES names): e-mail addresses and group claims to a
role, the highest match wins, a logged-in user with no match is a `viewer`. An anonymous visitor
sees only the login page.

Without `[auth]` (make run, the demo): no login, a visible banner, the role OVERBLIK_ROLE (default
staff). Switching to a login is configuration only.

| role   | sees                                                    | may                                     |
|--------|---------------------------------------------------------|-----------------------------------------|
| viewer | every page but Data; people only as counts              | filter, share links, download (no names)|
| leader | as viewer, plus names and titles                        | downloads with names, the annex         |
| staff  | as leader, plus the Data page                           | upload, undo, edit organisations        |
| admin  | everything                                              | erase a person, audit log, backup       |
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

import store
from dashboard import safe
from dashboard.i18n import t
from translations import N_

ROLES = ("viewer", "leader", "staff", "admin")
DEFAULT_DEMO_ROLE = "staff"
ROOT = Path(__file__).resolve().parents[1]
ROLES_FILE = ROOT / "config" / "roles.toml"

# Each right, and the lowest role that has it (every higher role has it too).
RIGHTS: dict[str, str] = {
    "names": "leader",  # see members' names and titles
    "download_names": "leader",
    "annex": "leader",
    "asof_picker": "leader",  # the date picker; an ?asof= link works for everyone
    "data_page": "staff",
    "upload": "staff",
    "undo": "staff",
    "edit_organisations": "staff",
    "originals": "staff",  # download an uploaded file as it was uploaded
    "admin_page": "admin",
    "erase": "admin",
    "audit": "admin",
    "backup": "admin",
}
# Pages (their url_path) that need a right; every other page is for every role.
PAGE_RIGHTS: dict[str, str] = {"data": "data_page", "admin": "admin_page"}


@dataclass(frozen=True)
class Who:
    """The person behind this session."""

    name: str  # as recorded in the audit log and on uploads
    role: str
    mode: str  # "login" (OpenID Connect) or "demo" (no login configured)
    email: str | None = None


# ---------------------------------------------------------------- configuration


def login_configured() -> bool:
    """Whether `.streamlit/secrets.toml` (or the app's secrets) has an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises on first access
        return False


def _roles_file() -> Path:
    return Path(os.environ.get("OVERBLIK_ROLES") or ROLES_FILE)


_mapping_cache: dict[str, Any] = {}


def role_mapping() -> dict[str, dict[str, str]]:
    """{"emails": {address: role}, "groups": {group: role}} from the roles file (re-read when it
    changes); unknown roles are refused loudly, so a typo never grants or hides silently."""
    path = _roles_file()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {"emails": {}, "groups": {}}
    if _mapping_cache.get("key") != (str(path), stamp):
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        mapping = {
            "emails": {str(k).casefold(): str(v) for k, v in (raw.get("emails") or {}).items()},
            "groups": {str(k): str(v) for k, v in (raw.get("groups") or {}).items()},
        }
        bad = sorted({v for part in mapping.values() for v in part.values()} - set(ROLES))
        if bad:
            raise ValueError(f"{path}: unknown role(s) {bad}; the roles are {', '.join(ROLES)}")
        _mapping_cache.update(key=(str(path), stamp), mapping=mapping)
    return _mapping_cache["mapping"]


def role_for(email: str | None, groups: list[str] | tuple[str, ...] | None) -> str:
    """The highest role the mapping gives the e-mail address or any of the groups; else viewer."""
    mapping = role_mapping()
    found = []
    if email and email.casefold() in mapping["emails"]:
        found.append(mapping["emails"][email.casefold()])
    for g in groups or ():
        if str(g) in mapping["groups"]:
            found.append(mapping["groups"][str(g)])
    return max(found, key=ROLES.index) if found else "viewer"


def demo_role() -> str:
    role = os.environ.get("OVERBLIK_ROLE", DEFAULT_DEMO_ROLE)
    if role not in ROLES:
        raise ValueError(f"OVERBLIK_ROLE={role!r}: the roles are {', '.join(ROLES)}")
    return role


# ---------------------------------------------------------------- this session


def who() -> Who | None:
    """The session's person and role; None for an anonymous visitor when a login is configured."""
    if not login_configured():
        from loaders.history import current_user

        return Who(current_user(), demo_role(), "demo")
    user = st.user
    if not user.get("is_logged_in"):
        return None
    email = user.get("email")
    groups = user.get("groups") or user.get("roles") or []
    if isinstance(groups, str):
        groups = [groups]
    name = str(email or user.get("preferred_username") or user.get("name") or user.get("sub"))
    return Who(name, role_for(email, list(groups)), "login", email)


def role() -> str:
    """The session's role ('viewer' for an anonymous visitor: they see the login page only)."""
    w = who()
    return w.role if w else "viewer"


def may(right: str, as_role: str | None = None) -> bool:
    """Whether the role (the session's, unless given) has the right ('never': no role has it)."""
    if right == "never":
        return False
    r = as_role or role()
    return ROLES.index(r) >= ROLES.index(RIGHTS[right])


def page_allowed(url_path: str, as_role: str | None = None) -> bool:
    """Whether a page (by its url_path; '' is the overview) is for the role."""
    right = PAGE_RIGHTS.get(url_path)
    return right is None or may(right, as_role)


def require(right: str) -> None:
    """Stop the page with a plain message unless the session has the right (a page that checks
    this is also absent from the navigation of roles without it)."""
    if not may(right):
        st.error(t("Din rolle giver ikke adgang til denne side."))
        st.stop()


# ---------------------------------------------------------------- what the session shows


ROLE_LABELS = {
    "viewer": N_("udvalgsmedlem"),
    "leader": N_("ledelse"),
    "staff": N_("medarbejder"),
    "admin": N_("administrator"),
}


def login_page() -> None:
    """All an anonymous visitor sees (in Danish or English, as the switch says)."""
    from dashboard.filters import language_switch
    from dashboard.page import setup as page_setup
    from loaders.isolate import Limits

    language_switch()
    with st.sidebar:
        page_setup(Limits.from_env().max_file_mb)
    st.title("Overblik")
    st.write(
        t(
            "Overblik samler netværkenes aktivitet og finansiering. Log ind med din arbejdskonto for "
            "at se tallene."
        )
    )
    st.button(t("Log ind"), on_click=st.login, type="primary", key="login")
    from dashboard import statement

    with st.expander(t("Tilgængelighedserklæring")):
        statement.draw(heading_level=2)


def session_box(w: Who) -> None:
    """In the sidebar: who is logged in and as what, and the way out; or the demo banner."""
    with st.sidebar:
        if w.mode == "demo":
            st.warning(
                t("Demotilstand uden login · rolle: {role}").format(role=w.role),
                icon=":material/science:",
            )
        else:
            st.caption(
                safe.md(t("Logget ind som {name} ({role})").format(name=w.name, role=t(ROLE_LABELS[w.role])))
            )
            st.button(t("Log ud"), on_click=st.logout, key="logout")


def audit_login(w: Who) -> None:
    """A login is recorded once: every page load and tab is a new session of the same login, told
    apart from the next login by the moment the identity provider issued its token (iat)."""
    if w.mode != "login" or st.session_state.get("_login_audited"):
        return
    from dashboard import db
    from store import audit

    issued = st.user.get("iat") or st.user.get("exp") or ""
    audit.record_once(
        store.cursor(db.get_connection()), user=w.name, role=w.role, action="login", page="login",
        detail=f"token issued {issued}",
    )  # fmt: skip
    st.session_state["_login_audited"] = True


def audit(action: str, page: str, detail: str | None = None) -> None:
    """Record an action of this session's person in the audit log."""
    record(who(), action, page, detail)


def record(w: Who | None, action: str, page: str, detail: str | None = None) -> None:
    """Record an action of a given person (a download button's data is made after the script run
    that drew it, so it keeps the person it was drawn for)."""
    from dashboard import db
    from store import audit as log

    log.record(
        store.cursor(db.get_connection()), user=w.name if w else "anonym", role=w.role if w else None,
        action=action, page=page, detail=detail,
    )  # fmt: skip
