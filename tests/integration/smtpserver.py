"""A real SMTP server for the integration tests (Debian's aiosmtpd).

    smtp = SMTPServer()            # a free port on 127.0.0.1, started
    smtp.url                        # 'smtp://127.0.0.1:PORT'
    smtp.stop()                     # the port now refuses connections
    smtp.start()                    # listening again, on the same port
    smtp.messages                   # every message accepted, in order
    smtp.by_message_id()            # {'<notification-7@mutual-aid-portal>': [Received, ...]}
    smtp.wait_for(lambda msgs: len(msgs) >= 3, timeout=20)

Every message the server accepted (answered 250 to DATA) is recorded,
duplicates included, as a `Received`: envelope sender and recipients, the
Message-ID, the Subject decoded with email.header, the To header and the
body (decoded text). Run with /usr/bin/python3 (aiosmtpd is a Debian
package: python3-aiosmtpd).
"""

import email
import email.header
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
    finally:
        s.close()


def decode_header(value):
    if value is None:
        return None
    return str(email.header.make_header(email.header.decode_header(value)))


class Received:
    """One accepted message."""

    def __init__(self, mail_from, rcpt_tos, raw):
        self.at = time.time()
        self.mail_from = mail_from
        self.rcpt_tos = list(rcpt_tos)
        self.raw = raw
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        self.message = msg
        self.message_id = (msg.get('Message-ID') or '').strip() or None
        self.subject = decode_header(msg.get('Subject'))
        self.to = decode_header(msg.get('To'))
        self.from_ = decode_header(msg.get('From'))
        payload = msg.get_payload(decode=True)
        if payload is None:
            payload = b''
        charset = msg.get_content_charset() or 'utf-8'
        self.body = payload.decode(charset, 'replace').replace('\r\n', '\n')

    def __repr__(self):
        return '<Received %s to %s: %r>' % (self.message_id, ','.join(self.rcpt_tos), self.subject)


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A configurable pause before DATA slows delivery down (to catch a
        # notifier in the middle of its work) without making acceptance
        # itself ambiguous: a message is recorded only once it is accepted.
        if self.server.delay:
            import asyncio
            await asyncio.sleep(self.server.delay)
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content if envelope.original_content is not None else envelope.content
        if isinstance(raw, str):
            raw = raw.encode('utf-8', 'surrogateescape')
        rec = Received(envelope.mail_from, envelope.rcpt_tos, raw)
        with self.server.lock:
            self.server.messages.append(rec)
            self.server.cond.notify_all()
        return '250 Message accepted for delivery'


class SMTPServer:
    def __init__(self, port=None, start=True, delay=0.0):
        self.host = '127.0.0.1'
        self.port = port or free_port()
        self.delay = delay
        self.messages = []
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self._controller = None
        if start:
            self.start()

    @property
    def url(self):
        return 'smtp://%s:%d' % (self.host, self.port)

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        if self._controller is not None:
            return
        deadline = time.monotonic() + 10
        while True:
            c = Controller(_Handler(self), hostname=self.host, port=self.port,
                           ready_timeout=10)
            try:
                c.start()
                break
            except (OSError, RuntimeError):
                # The port may linger for a moment after a stop.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self._controller = c

    def stop(self):
        c, self._controller = self._controller, None
        if c is not None:
            c.stop()

    def refuses_connections(self):
        try:
            s = socket.create_connection((self.host, self.port), timeout=2)
        except OSError:
            return True
        s.close()
        return False

    # -- what arrived

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def clear(self):
        with self.lock:
            self.messages.clear()

    def by_message_id(self):
        out = {}
        for m in self.snapshot():
            out.setdefault(m.message_id, []).append(m)
        return out

    def wait_for(self, predicate, timeout=30.0):
        """Waits until predicate(list of messages) is true; returns it (or
        the last false value after the timeout)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                v = predicate(list(self.messages))
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    return v
                self.cond.wait(min(left, 0.5))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


if __name__ == '__main__':
    # Self-check: send, stop (refused), restart on the same port, send again.
    import smtplib
    srv = SMTPServer()
    with smtplib.SMTP(srv.host, srv.port) as s:
        s.sendmail('a@x.invalid', ['b@x.invalid'],
                   b'Message-ID: <m1@t>\r\nSubject: =?UTF-8?B?wqcgdGVzdA==?=\r\n\r\nhello\r\n')
    srv.stop()
    assert srv.refuses_connections()
    srv.start()
    with smtplib.SMTP(srv.host, srv.port) as s:
        s.sendmail('a@x.invalid', ['c@x.invalid'], b'Message-ID: <m2@t>\r\nSubject: two\r\n\r\nbye\r\n')
    srv.stop()
    print(srv.snapshot(), [m.subject for m in srv.snapshot()], [m.body for m in srv.snapshot()])
