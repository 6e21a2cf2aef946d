"""Everything minga keeps, in SQLAlchemy: models, repositories, the unit of work, migrations."""
