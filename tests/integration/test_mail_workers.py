"""Two mail senders running at once (two processes' worth of engines on PostgreSQL): each mail arrives exactly once."""

from __future__ import annotations

import threading
from collections import Counter

from engine.bootstrap import bootstrap
from engine.definitions.bundle import Bundle
from engine.demo import seed_people
from engine.notifications.mail import Mailer
from tests.conftest import PROCESSES, _reset_postgres
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.mail_server import MailServer, give_everyone_mail


def test_two_senders_deliver_each_queued_mail_exactly_once(postgres_url):
    _reset_postgres(postgres_url)
    setup = bootstrap(postgres_url)
    setup.upgrade_schema()
    setup.deploy(Bundle.from_folder(PROCESSES))
    seed_people(setup)
    give_everyone_mail(setup)
    for partner in ("shonan", "mirai", "digital", "umibe") * 4:
        Flow(setup, partner).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)  # ① and ② each: 32 mails
    smtp = MailServer().start()
    smtp.delay = 0.02  # a slow server keeps both senders busy at the same time
    workers = [bootstrap(postgres_url) for _ in range(2)]
    start = threading.Barrier(2)
    sent: list[int] = [0, 0]

    def run(index: int) -> None:
        mailer = Mailer(workers[index], smtp.settings())
        start.wait()
        while (result := mailer.send_due(limit=3)).sent + result.failed:
            sent[index] += result.sent

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        smtp.stop()
        for engine in (setup, *workers):
            engine.database.dispose()
    ids = Counter(message["Message-ID"] for message in smtp.received)
    assert len(ids) == 32 and set(ids.values()) == {1}
    assert sum(sent) == 32 and min(sent) > 0  # both took part, neither sent what the other did
