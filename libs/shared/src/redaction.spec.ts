import { randomBytes } from 'node:crypto';
import { generateTokenSecret } from '@pat/tokens/domain';
import { loadConfig } from './config';
import fc from 'fast-check';
import { REDACTED, scrubClientValue, scrubLogLine, scrubSecrets } from './redaction';

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

describe('scrubSecrets and challenges', () => {
  it('keeps a WWW-Authenticate challenge whole: its parameters are not credentials', () => {
    const challenge =
      'Bearer realm="api", error="invalid_token", error_description="The access token was revoked"';
    expect(scrubSecrets(challenge)).toBe(challenge);
    expect(scrubSecrets('Bearer error=invalid_token')).toBe('Bearer error=invalid_token');
    expect(scrubSecrets('must be: Bearer <token>')).toBe('must be: Bearer <token>');
  });

  it.each(['abc=', 'abc==', 'ab+/cd=', 'eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl', 'x'])(
    'still removes a credential of token68 shape: Bearer %s',
    (credential) => {
      expect(scrubSecrets(`Authorization: Bearer ${credential} rest`)).toBe(
        `Authorization: Bearer ${REDACTED} rest`,
      );
    },
  );
});

describe('scrubLogLine', () => {
  const line = (value: unknown) => `${JSON.stringify(value)}\n`;

  it('leaves a line with nothing to scrub byte for byte as it is', () => {
    const text = '{"level":30,"msg":"a \\"quoted\\" word","n":1}\n';
    expect(scrubLogLine(text)).toBe(text);
  });

  it('keeps a 401 challenge readable and the line valid JSON', () => {
    const challenge =
      'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"';
    const scrubbed = scrubLogLine(line({ level: 30, wwwAuthenticate: challenge }));
    expect(JSON.parse(scrubbed)).toEqual({ level: 30, wwwAuthenticate: challenge });
    expect(scrubbed.endsWith('\n')).toBe(true);
  });

  it('removes tokens from the message, nested values, arrays and keys', () => {
    const token = `tgp_${body}`;
    const scrubbed = scrubLogLine(
      line({
        msg: `failed for ${token}`,
        err: { message: `Bearer ${token}`, stack: `Error: "${token}"\n  at x` },
        list: [token, 1, null, true],
        [token]: 'header named after it',
      }),
    );
    expect(scrubbed).not.toContain(body);
    expect(JSON.parse(scrubbed)).toEqual({
      msg: `failed for ${REDACTED}`,
      err: { message: `Bearer ${REDACTED}`, stack: `Error: "${REDACTED}"\n  at x` },
      list: [REDACTED, 1, null, true],
      [REDACTED]: 'header named after it',
    });
  });

  it('removes a bearer credential that follows an escaped line break', () => {
    const scrubbed = scrubLogLine(line({ msg: 'Bearer\nsecret-value' }));
    expect(JSON.parse(scrubbed)).toEqual({ msg: `Bearer\n${REDACTED}` });
  });

  it('never returns invalid JSON, whatever the values hold', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(
            fc.string(),
            fc.constantFrom(`tgp_${body}`, 'Bearer x"y\\z', 'Bearer realm="a\\"b"', '\\"'),
            fc.array(fc.string()),
          ),
        ),
        fc.string(),
        (fields, msg) => {
          const scrubbed = scrubLogLine(line({ ...fields, msg: `${msg} Bearer ${msg}` }));
          expect(() => JSON.parse(scrubbed)).not.toThrow();
          expect(scrubbed).not.toContain(body);
        },
      ),
    );
  });

  it('keeps a line that is not JSON as a scrubbed string inside one that is', () => {
    const scrubbed = scrubLogLine(`plain text tgp_${body}\n`);
    expect(JSON.parse(scrubbed)).toMatchObject({ line: `plain text ${REDACTED}` });
  });
});
