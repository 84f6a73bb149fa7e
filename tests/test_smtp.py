"""E-mails go out through real SMTP: Django's SMTP backend to a local aiosmtpd server."""

import email
import email.policy
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from goals import notifications
from goals.models import Membership, Notice
from tests.conftest import member


class Collector:
    """The SMTP server's handler: keeps what it is given."""

    def __init__(self):
        self.envelopes = []
        self.peers = []  # the client's address and port of each message's connection

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        yield controller, collector
    finally:
        controller.stop()


@pytest.fixture
def notice(plan, alice, carol):
    plan.deadline_days = 14
    plan.save()
    carol.email = "carol@example.invalid"
    carol.first_name = "Carol"
    carol.save()
    alice.first_name, alice.last_name = "Alice", "Ærø"
    alice.save()
    return Notice.objects.create(
        recipient=carol, kind=Notice.Kind.SUBMITTED, plan=plan, quarter=2, key="v1", actor=alice
    )


def use_smtp(settings, port, timeout=5):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = timeout
    settings.DEFAULT_FROM_EMAIL = "mrplan@example.invalid"


def test_a_notice_is_delivered_through_smtp(smtp_server, notice, settings):
    controller, collector = smtp_server
    use_smtp(settings, controller.port)
    result = notifications.deliver()
    assert [n.pk for n in result.sent] == [notice.pk]
    [envelope] = collector.envelopes
    assert envelope.mail_from == "mrplan@example.invalid"
    assert envelope.rcpt_tos == ["carol@example.invalid"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "TS 2024: 2. kvartal er indsendt til godkendelse"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "Alice Ærø har indsendt 2. kvartal til godkendelse." in body  # UTF-8 intact
    assert "/planer/TS/2024/kvartal/2/" in body
    notice.refresh_from_db()
    assert notice.sent_at is not None
    # Sent once: a second run has nothing to send.
    assert notifications.deliver().sent == []
    assert len(collector.envelopes) == 1


def test_several_notices_share_one_connection(smtp_server, notice, plan, settings):
    controller, collector = smtp_server
    use_smtp(settings, controller.port)
    for name in ("rolf", "sara"):
        user = member(name, Membership.Role.REVIEWER, ministry=plan.ministry)
        user.email = f"{name}@example.invalid"
        user.save()
        Notice.objects.create(recipient=user, kind="submitted", plan=plan, quarter=2, key="v1")
    assert len(notifications.deliver().sent) == 3
    assert sorted(e.rcpt_tos[0] for e in collector.envelopes) == [
        "carol@example.invalid",
        "rolf@example.invalid",
        "sara@example.invalid",
    ]
    assert len(set(collector.peers)) == 1


def test_no_server_leaves_the_notice_for_the_next_run(notice, settings):
    use_smtp(settings, free_port())  # nothing listens there
    result = notifications.deliver()
    assert result.sent == []
    notice.refresh_from_db()
    assert notice.sent_at is None
    assert "Connection" in notice.error or "refused" in notice.error.lower()


def test_a_server_that_does_not_answer_does_not_hang_the_sender(notice, settings):
    # A socket that accepts connections and never says a word.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(silent.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        use_smtp(settings, silent.getsockname()[1], timeout=1)
        started = time.monotonic()
        result = notifications.deliver()
        assert time.monotonic() - started < 10
        assert result.sent == []
        notice.refresh_from_db()
        assert notice.sent_at is None
        assert "timed out" in notice.error.lower() or "timeout" in notice.error.lower()
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        silent.close()
