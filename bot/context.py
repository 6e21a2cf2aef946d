"""What a handler gets: the unit of work, the time, who is speaking, where, and in which words."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING

from babel.support import Translations

from bot.config import PrivacyConfig, WebConfig
from bot.i18n import Translator, pick_language, translator
from bot.messages import PrivateMessage, Sender
from bot.model import ChatRecord, Group, Person
from bot.ports import UnitOfWork
from bot.settings import GroupDefaults, setting

if TYPE_CHECKING:
    from bot.router import Command


def waiting_for(person_id: int) -> tuple[str, str]:
    """Where a private message waits for a person minga cannot reach yet: no platform's."""
    return "", f"person:{person_id}"


@dataclass(frozen=True, kw_only=True)
class Work:
    """What any piece of work needs, a scheduled job included."""

    uow: UnitOfWork
    now: datetime
    defaults: GroupDefaults
    catalogs: Mapping[str, Translations]
    commands: Mapping[str, "Command"]
    late: bool = False  # a job running after its time
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    web: WebConfig = field(default_factory=WebConfig)

    def group_tr(self, group: Group) -> Translator:
        return translator(self.catalogs, setting(group, "language", self.defaults))

    async def load_group(self, group_id: int) -> Group:
        """A group that must exist (a request or offer points to it)."""
        group = await self.uow.groups.get(group_id)
        assert group is not None, group_id
        return group

    async def network_groups(self, network_id: int) -> list[Group]:
        """The groups in a network now, in the order they joined, in two statements however
        many they are (a network assembly's tally reads them every few seconds)."""
        joined = await self.uow.networks.groups(network_id)
        return await self.uow.groups.many([n.group_id for n in joined])

    async def tell(
        self,
        person_id: int,
        group: Group | None,
        message: str,
        buttons: Sequence[tuple[str, str]] = (),
        **values: object,
    ) -> PrivateMessage:
        """A private message in the person's own language; `message` and the buttons'
        labels (label, data) are marked with N_."""
        tr = self.tr_for(await self.uow.people.get(person_id), group)
        return PrivateMessage(
            person_id,
            tr._(message, **values),
            tuple(tr.button(tr._(label), data) for label, data in buttons),
        )

    def tr_for(self, person: Person, group: Group | None = None) -> Translator:
        """A person's own language; else the group's; else the default."""
        wanted = person.language or (setting(group, "language", self.defaults) if group else None)
        return translator(self.catalogs, pick_language(wanted, self.defaults.language))

    def zone(self, group: Group) -> str:
        return setting(group, "timezone", self.defaults)


@dataclass(frozen=True, kw_only=True)
class Context(Work):
    """A person's message or button press in a chat."""

    sender: Sender
    person: Person
    chat: ChatRecord
    group: Group | None  # the group this chat belongs to, if any
    # In a private chat, the first group on the speaker's roster when the speaker has no
    # language of their own: minga speaks to them in its language, not the deployment's.
    home: Group | None = None
    # A binding proposal that passed: the group itself acts, not the person in `person`.
    by_group: bool = False

    @classmethod
    def of(
        cls,
        work: Work,
        *,
        sender: Sender,
        person: Person,
        chat: ChatRecord,
        group: Group | None,
        home: Group | None = None,
        by_group: bool = False,
    ) -> "Context":
        """The one way a Context is made: who spoke where, within the work it is part of
        (its unit of work, time and settings carried over whole)."""
        carried = {f.name: getattr(work, f.name) for f in fields(Work)}
        return cls(
            **carried,
            sender=sender,
            person=person,
            chat=chat,
            group=group,
            home=home,
            by_group=by_group,
        )

    @property
    def actor_id(self) -> int | None:
        """Who the audit log names: nobody when the group itself acts."""
        return None if self.by_group else self.person.id

    @property
    def tr(self) -> Translator:
        return self.tr_for(self.person, self.home)

    def tr_for(self, person: Person, group: Group | None = None) -> Translator:
        return super().tr_for(person, group or self.group)
