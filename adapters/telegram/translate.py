"""Telegram updates as minga's neutral events."""

from telegram import Chat as TgChat
from telegram import Update, User

from bot.messages import Added, ButtonPress, Chat, ChatKind, ChatMoved, Event, Message, Sender

PLATFORM = "telegram"
ANONYMOUS_ADMIN = 1087968824  # Telegram's "GroupAnonymousBot"


def chat_of(chat: TgChat) -> Chat:
    kind: ChatKind = "private" if chat.type == TgChat.PRIVATE else "group"
    return Chat(PLATFORM, str(chat.id), kind, chat.title or chat.full_name)


def sender_of(user: User) -> Sender:
    return Sender(PLATFORM, str(user.id), user.full_name, user.username, user.language_code)


def payload(text: str) -> str:
    """Deep links carry `/start vote_P3`: underscores stand for spaces (see render.link)."""
    command, _, rest = text.partition(" ")
    return f"{command} {rest.replace('_', ' ')}" if command.startswith("/start") and rest else text


def translate(update: Update, me: User) -> Event | None:
    """The neutral event for an update, or None for what minga leaves alone."""
    event_id = f"u{update.update_id}"
    query = update.callback_query
    if query is not None and query.message is not None:
        return ButtonPress(
            event_id,
            chat_of(query.message.chat),
            sender_of(query.from_user),
            str(query.message.message_id),
            query.data or "",
            toast_id=query.id,
        )
    member = update.my_chat_member
    if member is not None:
        joined = member.new_chat_member.status in ("member", "administrator")
        was_out = member.old_chat_member.status in ("left", "kicked")
        return (
            Added(event_id, chat_of(member.chat), sender_of(member.from_user))
            if joined and was_out
            else None
        )
    message = update.message  # edited messages are not read again
    if message is None:
        return None
    if message.migrate_to_chat_id:
        return ChatMoved(event_id, chat_of(message.chat), str(message.migrate_to_chat_id))
    if message.text is None or message.from_user is None:
        return None
    anonymous = message.sender_chat is not None or message.from_user.id == ANONYMOUS_ADMIN
    reply = message.reply_to_message
    mine = reply is not None and reply.from_user is not None and reply.from_user.id == me.id
    return Message(
        event_id,
        chat_of(message.chat),
        sender_of(message.from_user),
        payload(message.text),
        bot_name=me.username,
        prefixes=("/",),
        reply_to=str(reply.message_id) if mine and reply else None,
        anonymous=anonymous,
    )
