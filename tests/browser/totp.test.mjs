import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, hotp, stepAt, totp } from './lib/totp.mjs';

test('the TOTP helper matches the RFC 6238 SHA-1 test vectors', () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890" (8 digits there; the last 6 here).
  const key = Buffer.from('12345678901234567890', 'ascii');
  const vectors = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [t, code] of vectors) {
    assert.equal(hotp(key, stepAt(t), 8), code, `T=${t}`);
    assert.equal(hotp(key, stepAt(t)), code.slice(2), `T=${t} (6 digits)`);
  }
});

test('the base32 decoder reads the demo secrets the way authenticator apps do', () => {
  // "12345678901234567890" in base32.
  assert.deepEqual(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), Buffer.from('12345678901234567890'));
  assert.deepEqual(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq'), Buffer.from('12345678901234567890'));
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082');
  assert.throws(() => base32Decode('not base32!'));
});
