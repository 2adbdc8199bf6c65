"""Tables no domain owns."""

from __future__ import annotations

import uuid

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class SeedSecret(Model):
    """A random secret the demo seed makes once per database and derives its client ids from,
    so nobody can compute a demo record's client id from its village, house and date."""

    __tablename__ = "seed_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
