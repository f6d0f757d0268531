// Reads the e-mails that `agora demo` writes as .eml files into DATA_DIR/outbox/.

import fs from 'node:fs';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The .eml files in the outbox, newest first, as `{ file, mtimeMs }`. */
export function listOutbox(outboxDir) {
  let names;
  try {
    names = fs.readdirSync(outboxDir);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.eml'))
    .map((n) => {
      const file = path.join(outboxDir, n);
      return { file, mtimeMs: fs.statSync(file).mtimeMs };
    })
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** Splits a MIME entity into lower-cased, unfolded headers and its body. */
function splitEntity(raw) {
  const m = raw.match(/\r?\n\r?\n/);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body };
}

export function decodeQuotedPrintable(text) {
  const unfolded = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unfolded[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(headers, body) {
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Decodes an RFC 2047 encoded-word header value (=?utf-8?Q?…?= / =?utf-8?B?…?=). */
function decodeHeader(value) {
  // Whitespace between two encoded words is dropped; before plain text it is kept (RFC 2047).
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=(?:\s+(?==\?))?/g, (_, _charset, enc, text) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

/** The text parts of a MIME entity, depth first, as `{ type, text }`. */
function textParts(raw) {
  const { headers, body } = splitEntity(raw);
  const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = (headers['content-type'].match(/boundary="?([^";]+)"?/i) ?? [])[1];
    if (!boundary) return [];
    const parts = body.split(`--${boundary}`).slice(1);
    return parts.filter((p) => !p.startsWith('--')).flatMap((p) => textParts(p.replace(/^\r?\n/, '')));
  }
  if (!type.startsWith('text/')) return [];
  return [{ type: type.split(';')[0], text: decodeBody(headers, body) }];
}

/** Parses one .eml file: `{ to, subject, parts: [{ type, text }] }`. */
export function parseEml(file) {
  const raw = fs.readFileSync(file, 'utf8');
  const { headers } = splitEntity(raw);
  return {
    file,
    to: decodeHeader(headers.to ?? ''),
    subject: decodeHeader(headers.subject ?? ''),
    parts: textParts(raw),
  };
}

/** Waits (up to `timeoutMs`) for the newest e-mail addressed to `address`. */
export async function waitForMailTo(outboxDir, address, { timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const wanted = address.toLowerCase();
  for (;;) {
    for (const { file } of listOutbox(outboxDir)) {
      const mail = parseEml(file);
      if (mail.to.toLowerCase().includes(wanted)) return mail;
    }
    if (Date.now() > deadline) {
      const seen = listOutbox(outboxDir).map(({ file }) => `${path.basename(file)} to ${parseEml(file).to}`);
      throw new Error(
        `no e-mail to ${address} in ${outboxDir} after ${timeoutMs / 1000} s; outbox has: ${seen.join('; ') || 'nothing'}`,
      );
    }
    await sleep(250);
  }
}

/** Whether any e-mail in the outbox is addressed to `address`. */
export function hasMailTo(outboxDir, address) {
  const wanted = address.toLowerCase();
  return listOutbox(outboxDir).some(({ file }) => parseEml(file).to.toLowerCase().includes(wanted));
}

/** The first `…/account/verify?token=…` link in the e-mail, preferring its text/plain part. */
export function verificationLink(mail) {
  const parts = [...mail.parts].sort((a, b) => (a.type === 'text/plain' ? -1 : 0) - (b.type === 'text/plain' ? -1 : 0));
  for (const { text } of parts) {
    const m = text.match(/https?:\/\/[^\s"'<>]+\/account\/verify\?token=[^\s"'<>]+/);
    if (m) return m[0].replace(/&amp;/g, '&');
  }
  throw new Error(
    `no /account/verify?token=… link in ${mail.file} (subject "${mail.subject}"); its text:\n${mail.parts.map((p) => p.text).join('\n---\n')}`,
  );
}
