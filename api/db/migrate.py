"""Bring a database to the newest schema with Alembic (used at api start and by tests)."""

import logging

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from api.config import PROJECT_ROOT

logger = logging.getLogger(__name__)


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    logger.info("database schema is at head")
