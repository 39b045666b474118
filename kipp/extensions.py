"""Unbound extensions, bound to the app in `create_app()`."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from kipp.documents.celery_app_factory import init_celery  # noqa: F401  (re-exported)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class KippApi(Api):
    """flask-smorest without its app-wide HTTP error handler.

    The app answers problem+json under /api/v1 and HTML elsewhere (see `kipp.errors`), so the
    generic handler flask-smorest would install for every route is not wanted.
    """

    def _register_error_handlers(self):
        return None


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = KippApi()
