"""Which foreign keys point at accounts and contacts, so a merge can move them.

Apps call :func:`register_relation` in their ``AppConfig.ready()`` for every
foreign key of theirs that points at an Account or a Contact (a deal's
account, a complaint's contact …). A merge re-points each registered key
from the merged record to the survivor with one UPDATE, so this app never
imports the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Relation:
    model_label: str  # "app_label.Model"
    field: str  # name of the ForeignKey

    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def target(self) -> type[models.Model]:
        field = self.model()._meta.get_field(self.field)
        related = field.related_model
        assert isinstance(related, type)
        return related


_relations: dict[tuple[str, str], Relation] = {}


def register_relation(model_label: str, fk_field: str) -> None:
    """Move ``model_label.fk_field`` to the survivor when its target is merged."""
    _relations[(model_label.lower(), fk_field)] = Relation(model_label.lower(), fk_field)


def relations_to(target: type[models.Model]) -> list[Relation]:
    """The registered relations pointing at ``target`` (Account or Contact)."""
    return [r for r in _relations.values() if r.target() is target]


def registered() -> list[Relation]:
    return list(_relations.values())
