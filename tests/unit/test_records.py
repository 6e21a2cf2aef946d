"""The core's records are built by keyword, so no two fields can be given in the wrong order."""

import inspect
from dataclasses import fields, is_dataclass

from bot import model
from bot.context import Context, Work


def test_every_record_of_the_core_is_built_by_keyword() -> None:
    records = [
        cls
        for _, cls in inspect.getmembers(model, inspect.isclass)
        if is_dataclass(cls) and cls.__module__ == model.__name__
    ]
    by_position = [
        cls.__name__
        for cls in (*records, Work, Context)
        if any(not field.kw_only for field in fields(cls))
    ]
    assert by_position == []
