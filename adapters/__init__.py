"""Adapters: one per platform, translating only.

ADAPTERS names the chat platforms this version of minga can connect to; the console is
always there and is what `minga run` opens when no platform is enabled.
"""

ADAPTERS: dict[str, str] = {"console": "adapters.console", "telegram": "adapters.telegram"}
