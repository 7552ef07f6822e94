// A real SMTP server on a loopback port that keeps what it receives, for browser tests.
//
// Not a mock of the mailer: the server under test is started with
// `ALCOVE_SMTP_URL=smtp://127.0.0.1:<port>` and its own SMTP client (lettre) connects here over
// TCP and speaks SMTP (RFC 5321): EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing,
// RSET, NOOP, QUIT. No TLS and no AUTH — the shape of a local relay. The same job as testkit's
// in-process sink (crates/testkit/src/smtp.rs) for the Rust tests, in the test's own process.
import { createServer } from 'node:net';

const NAME = 'alcove-browser-sink';
// Nothing a test sends comes near this; it keeps a runaway client from eating memory.
const MAX_MESSAGE = 10 * 1024 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Decodes a quoted-printable body (RFC 2045 §6.7) to a Buffer. */
function decodeQuotedPrintable(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=') {
      if (s[i + 1] === '\r' && s[i + 2] === '\n') {
        i += 2; // soft line break
        continue;
      }
      if (s[i + 1] === '\n') {
        i += 1;
        continue;
      }
      const hex = s.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(out);
}

/** Decodes an RFC 2047 encoded-word header value (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`). */
function decodeHeaderWords(v) {
  return v.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, _charset, enc, text) => {
    if (enc.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('utf8');
    return decodeQuotedPrintable(text.replace(/_/g, ' ')).toString('utf8');
  });
}

/** A message as the sink received it. */
export class ReceivedMail {
  constructor(from, to, data) {
    /** The envelope sender (`MAIL FROM:<…>`). */
    this.from = from;
    /** The envelope recipients (`RCPT TO:<…>`). */
    this.to = to;
    /** The message exactly as sent after DATA, dot-unstuffed, CRLF line endings kept. */
    this.data = data;
  }

  #split() {
    const i = this.data.indexOf('\r\n\r\n');
    return i < 0 ? [this.data, ''] : [this.data.slice(0, i), this.data.slice(i + 4)];
  }

  /** Every header as [name, value], folded lines joined, encoded words decoded. */
  headers() {
    const out = [];
    for (const line of this.#split()[0].split('\r\n')) {
      if (/^[ \t]/.test(line) && out.length > 0) {
        out[out.length - 1][1] += ` ${line.trim()}`;
      } else {
        const i = line.indexOf(':');
        if (i > 0) out.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
      }
    }
    return out.map(([k, v]) => [k, decodeHeaderWords(v)]);
  }

  /** The first header with this name (case-insensitive). */
  header(name) {
    const h = this.headers().find(([k]) => k.toLowerCase() === name.toLowerCase());
    return h ? h[1] : undefined;
  }

  get subject() {
    return this.header('Subject') ?? '';
  }

  /** The body decoded from its Content-Transfer-Encoding, with LF line endings. */
  text() {
    const raw = this.#split()[1];
    const cte = (this.header('Content-Transfer-Encoding') ?? '').toLowerCase();
    let bytes;
    if (cte === 'base64') bytes = Buffer.from(raw.replace(/\s+/g, ''), 'base64');
    else if (cte === 'quoted-printable') bytes = decodeQuotedPrintable(raw);
    else bytes = Buffer.from(raw, 'utf8');
    return bytes.toString('utf8').replace(/\r\n/g, '\n');
  }

  /** Every http(s) link in the body. */
  links() {
    return this.text().match(/https?:\/\/[^\s<>"]+/g) ?? [];
  }
}

/**
 * Starts the sink on 127.0.0.1 (port 0: the OS picks). Returns
 * { port, url, messages, waitFor(predicate, what, timeoutMs), stop() }.
 */
export async function startSmtpSink() {
  const messages = [];
  const waiters = new Set();
  const sockets = new Set();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('latin1'); // bytes in, bytes kept: decoded as UTF-8 when read
    const reply = (line) => socket.write(`${line}\r\n`);
    let buffer = '';
    let from = null;
    let to = [];
    let inData = false;
    let data = [];
    let size = 0;

    const command = (line) => {
      const verb = line.split(' ')[0].toUpperCase();
      const arg = line.slice(verb.length).trim();
      switch (verb) {
        case 'EHLO':
          socket.write(`250-${NAME}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE ${MAX_MESSAGE}\r\n`);
          break;
        case 'HELO':
          reply(`250 ${NAME}`);
          break;
        case 'MAIL': {
          const m = /^FROM:\s*<([^>]*)>/i.exec(arg);
          if (!m) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
          from = m[1];
          to = [];
          reply('250 2.1.0 OK');
          break;
        }
        case 'RCPT': {
          const m = /^TO:\s*<([^>]+)>/i.exec(arg);
          if (from === null) return reply('503 5.5.1 MAIL first');
          if (!m) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
          to.push(m[1]);
          reply('250 2.1.5 OK');
          break;
        }
        case 'DATA':
          if (from === null || to.length === 0) return reply('503 5.5.1 MAIL and RCPT first');
          inData = true;
          data = [];
          size = 0;
          reply('354 End data with <CR><LF>.<CR><LF>');
          break;
        case 'RSET':
          from = null;
          to = [];
          reply('250 2.0.0 OK');
          break;
        case 'NOOP':
          reply('250 2.0.0 OK');
          break;
        case 'QUIT':
          reply(`221 2.0.0 ${NAME} closing`);
          socket.end();
          break;
        default:
          reply('502 5.5.2 Command not recognised');
      }
    };

    const dataLine = (line) => {
      if (line === '.') {
        inData = false;
        const text = Buffer.from(data.join('\r\n'), 'latin1').toString('utf8');
        const mail = new ReceivedMail(from, to, text);
        messages.push(mail);
        from = null;
        to = [];
        reply('250 2.0.0 OK: queued');
        for (const w of waiters) w();
        return;
      }
      size += line.length + 2;
      if (size > MAX_MESSAGE) {
        reply('552 5.3.4 Message too big');
        socket.destroy();
        return;
      }
      data.push(line.startsWith('..') ? line.slice(1) : line);
    };

    socket.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) dataLine(line);
        else command(line);
      }
    });
    reply(`220 ${NAME} ESMTP ready`);
  });

  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', res);
  });
  const { port } = server.address();

  return {
    port,
    /** What to put in ALCOVE_SMTP_URL. */
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /**
     * The first message (of all received so far, or still to come) for which
     * `predicate(mail)` holds; fails after `timeoutMs` naming `what` and what did arrive.
     */
    async waitFor(predicate, what = 'a message', timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) {
          const got = messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('\n  ');
          throw new Error(`the SMTP sink received no ${what} within ${timeoutMs} ms; it has:\n  ${got || '(nothing)'}`);
        }
        await new Promise((res) => {
          const wake = () => {
            waiters.delete(wake);
            res();
          };
          waiters.add(wake);
          sleep(Math.min(left, 250)).then(wake);
        });
      }
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((res) => server.close(() => res()));
    },
  };
}
