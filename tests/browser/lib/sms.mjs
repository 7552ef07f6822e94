// Reading what the development SMS gateway "sent". `ALCOVE_SMS=log` (the default for
// `alcove demo`) sends nothing anywhere: it appends each text as one line starting
// `DEVELOPMENT SMS GATEWAY (not sent) to=<E.164> text=...` to DATA_DIR/sms-outbox.log (see
// crates/web/src/services/sms.rs). A test reads the code a person would read on their phone
// from that file — the product's own output, not a back door into its storage.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The 6-digit code in the latest development-gateway line to this E.164 number. */
export function codeFromGateway(dataDir, e164) {
  const file = join(dataDir, 'sms-outbox.log');
  assert.ok(existsSync(file), `${file} exists (the development SMS gateway writes there)`);
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter((l) => l.includes(`to=${e164} `));
  assert.ok(lines.length > 0, `a text to ${e164}`);
  const last = lines[lines.length - 1];
  assert.match(last, /^DEVELOPMENT SMS GATEWAY /, 'the line is marked as the development gateway');
  const m = last.match(/\b(\d{6})\b/);
  assert.ok(m, `a 6-digit code in: ${last}`);
  return m[1];
}
