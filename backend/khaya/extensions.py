"""Extensions created without an app and bound in ``create_app``."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from .errors import ErrorSchema

# Named constraints keep Alembic diffs stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Which engine a read-only request's statements go to (common.replica sets it): None keeps the
# primary.
READ_ROUTER: Callable[[], Engine | None] | None = None


class Session(FlaskSession):
    """The app's session: a request that may read a replica sends its statements there."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None,
                 **kwargs: Any) -> Any:
        if bind is None and READ_ROUTER is not None and (engine := READ_ROUTER()) is not None:
            return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


# create_savepoint lets tests bind the session to an outer transaction they roll back; with a
# plain engine (every other case) the option changes nothing.
db = SQLAlchemy(model_class=Base, session_options={"join_transaction_mode": "create_savepoint",
                                                   "class_": Session})
migrate = Migrate()
api = Api()
# Error responses in the OpenAPI document are Khaya's envelope, not flask-smorest's own.
api.ERROR_SCHEMA = ErrorSchema
limiter = Limiter(key_func=get_remote_address, default_limits=[])

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time; type checkers see the declarative base.
    class Model(Base):
        __abstract__ = True
else:
    Model = db.Model
