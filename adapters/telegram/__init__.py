"""Telegram, through python-telegram-bot: updates in, outbox rows out. It decides nothing."""
