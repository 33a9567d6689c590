"""A minimal PostgreSQL client for the tests: protocol 3.0, the simple query
protocol, over a cluster's Unix socket with peer authentication (the only
way in that scripts/stack.sh opens).

The tests used to start `psql -c` for every statement they ran as the
database owner: a process (on Debian a Perl wrapper first) and a backend
per statement was about a quarter of the CPU of an integration run. This
keeps one connection per stack instead and answers as `psql -XAtq -v
ON_ERROR_STOP=1 -c SQL` would: the rows of every statement of SQL (one
implicit transaction, as -c sends them in one Query message), values in
PostgreSQL's text format, NULL as the empty string.

Only what the tests need: no TLS, no passwords, no COPY, no extended
protocol.
"""

import os
import re
import socket
import struct
import threading

PROTOCOL_3_0 = 196608
# The server ended this connection before it read our query (shut down,
# restarted, or a backend killed): it is safe to connect again and send it.
_GONE_CODES = {'57P01', '57P02', '57P03'}


class PgError(Exception):
    """An ErrorResponse: fields by their one-letter codes (S severity,
    C SQLSTATE, M message, D detail, H hint, W context)."""

    def __init__(self, fields):
        self.fields = fields
        super().__init__(self.psql_text())

    @property
    def code(self):
        return self.fields.get('C', '')

    def psql_text(self):
        """The error as psql prints it on stderr."""
        lines = ['%s:  %s' % (self.fields.get('S', 'ERROR'), self.fields.get('M', ''))]
        for key, label in (('D', 'DETAIL'), ('H', 'HINT'), ('W', 'CONTEXT')):
            if key in self.fields:
                lines.append('%s:  %s' % (label, self.fields[key]))
        return '\n'.join(lines)


class Gone(Exception):
    """The connection ended before the query was read (see _GONE_CODES)."""


class Connection:
    def __init__(self, sockdir, user, dbname='portal', port=5432, timeout=60):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(os.path.join(sockdir, '.s.PGSQL.%d' % port))
            self.rfile = self.sock.makefile('rb')
            params = b''
            for k, v in (('user', user), ('database', dbname), ('client_encoding', 'UTF8'),
                         ('application_name', 'integration tests')):
                params += k.encode() + b'\0' + v.encode() + b'\0'
            body = struct.pack('!i', PROTOCOL_3_0) + params + b'\0'
            self.sock.sendall(struct.pack('!i', len(body) + 4) + body)
            while True:
                kind, msg = self._read()
                if kind == b'R':
                    (code,) = struct.unpack('!i', msg[:4])
                    if code != 0:
                        raise PgError({'S': 'FATAL', 'M': 'authentication %d is not peer' % code})
                elif kind == b'E':
                    raise PgError(_fields(msg))
                elif kind == b'Z':
                    break
        except BaseException:
            self.sock.close()
            raise

    def _read(self):
        head = self.rfile.read(5)
        if len(head) < 5:
            raise ConnectionResetError('the server closed the connection')
        (n,) = struct.unpack('!i', head[1:])
        body = self.rfile.read(n - 4)
        if len(body) < n - 4:
            raise ConnectionResetError('the server closed the connection')
        return head[:1], body

    def query(self, sql):
        """The rows (lists of str or None) of every statement of sql, in
        order; PgError when one failed (the server then rolled all back)."""
        q = sql.encode('utf-8') + b'\0'
        try:
            self.sock.sendall(b'Q' + struct.pack('!i', len(q) + 4) + q)
            first = True
            rows, error = [], None
            while True:
                try:
                    kind, msg = self._read()
                except ConnectionResetError:
                    if first:
                        raise Gone()
                    raise
                if first and kind == b'E' and _fields(msg).get('C') in _GONE_CODES:
                    raise Gone()
                first = False
                if kind == b'D':
                    rows.append(_row(msg))
                elif kind == b'E':
                    error = PgError(_fields(msg))
                elif kind in (b'G', b'H', b'W'):
                    raise RuntimeError('COPY is not supported by pgwire')
                elif kind == b'Z':
                    break
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Gone() from e
        if error is not None:
            raise error
        return rows

    def close(self):
        try:
            self.sock.sendall(b'X' + struct.pack('!i', 4))
        except OSError:
            pass
        self.sock.close()


def _fields(msg):
    out = {}
    for part in msg.split(b'\0'):
        if part:
            out[part[:1].decode()] = part[1:].decode('utf-8', 'replace')
    return out


def _row(msg):
    (n,) = struct.unpack('!h', msg[:2])
    pos, vals = 2, []
    for _ in range(n):
        (ln,) = struct.unpack('!i', msg[pos:pos + 4])
        pos += 4
        if ln < 0:
            vals.append(None)
        else:
            vals.append(msg[pos:pos + ln].decode('utf-8'))
            pos += ln
    return vals


def psql_lines(rows, sep='\t'):
    """What `psql -At -F SEP` prints for these rows, split as the tests
    always split it: by line, then by SEP."""
    text = ''.join(sep.join('' if v is None else v for v in row) + '\n' for row in rows)
    return [line.split(sep) for line in text.splitlines()]


# A statement that leaves state in the session (SET, LISTEN, PREPARE, a
# temporary table, a cursor): the session is reset after it, so that the
# next statement starts as a fresh `psql -c` would.
_SESSION_STATE = re.compile(r'\b(SET|LISTEN|PREPARE|TEMP|TEMPORARY|DECLARE)\b', re.I)


class Session:
    """One connection, kept, connected again when the server went away
    before it read a query (a restart of the cluster in a fault test)."""

    def __init__(self, sockdir, user, dbname='portal'):
        self.args = (sockdir, user, dbname)
        self.conn = None
        self.lock = threading.Lock()

    def query(self, sql):
        with self.lock:
            for attempt in (1, 2):
                if self.conn is None:
                    self.conn = Connection(*self.args)
                try:
                    rows = self.conn.query(sql)
                except Gone:
                    self.conn.sock.close()
                    self.conn = None
                    if attempt == 2:
                        raise ConnectionResetError('the server closed the connection')
                    continue
                except PgError:
                    self._reset(sql)
                    raise
                self._reset(sql)
                return rows

    def _reset(self, sql):
        if self.conn is not None and _SESSION_STATE.search(sql):
            try:
                self.conn.query('DISCARD ALL')
            except (Gone, PgError, OSError):
                self.conn.sock.close()
                self.conn = None

    def close(self):
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None


def run_once(sockdir, user, sql, dbname='portal'):
    """Connect, run sql, disconnect: for roles whose connections are
    counted (portal_notifier has a connection limit of its own)."""
    conn = Connection(sockdir, user, dbname)
    try:
        return conn.query(sql)
    finally:
        conn.close()
