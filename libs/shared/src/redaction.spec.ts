import { randomBytes } from 'node:crypto';
import { generateTokenSecret } from '@pat/tokens/domain';
import { loadConfig } from './config';
import { REDACTED, scrubClientValue, scrubSecrets } from './redaction';

const body = 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1BcD4fGh7j'; // 36 base62 characters

describe('scrubSecrets', () => {
  it.each(['tgp_', 'new_', 'abc_', 'A1b2C3d4E5f6_'])('removes a token of prefix %s', (prefix) => {
    const text = `curl/8.0 (${prefix}${body}) extra`;
    expect(scrubSecrets(text)).toBe(`curl/8.0 (${REDACTED}) extra`);
  });

  it('removes tokens of every prefix TOKEN_PREFIX accepts, current and earlier', () => {
    const { tokenPrefixes } = loadConfig({ TOKEN_PREFIX: 'new_,tgp_,A1b2C3d4E5f6_,x_' });
    for (const prefix of tokenPrefixes) {
      const token = generateTokenSecret(prefix, randomBytes);
      expect(scrubSecrets(`ua ${token};${token}`)).toBe(`ua ${REDACTED};${REDACTED}`);
    }
  });

  it('removes a token glued to other letters and digits', () => {
    expect(scrubSecrets(`x0123456789abcdeftgp_${body}`)).not.toContain(body);
  });

  it('removes every token of a line, and bearer credentials of any shape', () => {
    const text = `a tgp_${body} b old_${body} Bearer short-secret`;
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).not.toContain(body);
    expect(scrubbed).not.toContain('short-secret');
    expect(scrubbed).toBe(`a ${REDACTED} b ${REDACTED} Bearer ${REDACTED}`);
  });

  it('leaves ordinary text, hex digests and Argon2 hashes alone', () => {
    const text =
      'Mozilla/5.0 (X11; Linux x86_64) ' +
      '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g ' +
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe('scrubClientValue', () => {
  it('scrubs before cutting, so a token across the cut is not left half there', () => {
    const text = `${'a '.repeat(10)}tgp_${body}`;
    const value = scrubClientValue(text, 30);
    expect(value).toBe(`${'a '.repeat(10)}${REDACTED}`.slice(0, 30));
    expect(value).not.toMatch(/Ab3dEf/);
  });

  it('cuts to the length', () => {
    expect(scrubClientValue('x'.repeat(500), 256)).toHaveLength(256);
  });
});
