"""Saved column mappings: the correction a user made once, reused by the next
import of a file from the same system (and by the CLI's ``--profile``).
Saving one is part of importing (:attr:`Permission.IMPORT_DATA`); reading
them is not guarded, since a mapping names only column headers."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.lengths import length_problem
from data_access.core.models import ImportProfile
from data_access.importing.columns import ImportKind
from data_access.importing.errors import ImportRefusedError


def save_profile(
    session: Session, name: str, kind: ImportKind, mapping: dict[str, str], *, acting: Viewer
) -> None:
    """Create or replace the profile ``name`` (field -> header text)."""
    acting.require(Permission.IMPORT_DATA)
    name = name.strip()
    if not name:
        raise ValueError("Profilen behöver ett namn")
    if problem := length_problem(ImportProfile.name, name):
        raise ValueError(problem)
    profile = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    payload = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
    if profile is None:
        session.add(ImportProfile(name=name, kind=kind.value, mapping=payload))
    else:
        profile.kind, profile.mapping = kind.value, payload
    session.flush()


def load_profile(session: Session, name: str, kind: ImportKind) -> dict[str, str]:
    profile = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    if profile is None:
        raise ImportRefusedError(f"Det finns ingen sparad mappning som heter {name!r}")
    if profile.kind != kind.value:
        raise ImportRefusedError(f"Mappningen {name!r} gäller {profile.kind}, inte {kind.value}")
    return json.loads(profile.mapping)


def profile_names(session: Session, kind: ImportKind) -> list[str]:
    return list(
        session.scalars(
            select(ImportProfile.name).where(ImportProfile.kind == kind.value).order_by(ImportProfile.name)
        )
    )
