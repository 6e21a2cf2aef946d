"""Adapters: one per platform (Telegram, Matrix, the console), translating only."""
