"""The sheet kinds: one module each, holding the kind's spec beside its own rules."""

from __future__ import annotations

from loaders.kinds.allocations import ALLOCATIONS
from loaders.kinds.eu_partners import EU_PARTNERS
from loaders.kinds.eu_projects import EU_PROJECTS
from loaders.kinds.meetings import MEETINGS
from loaders.kinds.networks import NETWORKS
from loaders.kinds.org_aliases import ORG_ALIASES, SECTORS
from loaders.kinds.participants import PARTICIPANTS
from loaders.kinds.pools import POOLS
from loaders.kinds.project_members import PROJECT_MEMBERS
from loaders.kinds.spec import Field, Kind

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        PARTICIPANTS,
        MEETINGS,
        EU_PROJECTS,
        EU_PARTNERS,
        POOLS,
        ALLOCATIONS,
        NETWORKS,
        ORG_ALIASES,
        PROJECT_MEMBERS,
    )
}

# The order kinds load in when a workbook holds several: referenced things first.
LOAD_ORDER = (
    "networks", "org_aliases", "participants", "meetings", "eu_projects", "eu_partners", "pools", "allocations",
    "project_members",
)  # fmt: skip

__all__ = ["KINDS", "LOAD_ORDER", "SECTORS", "Field", "Kind"]
