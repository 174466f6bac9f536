import { parseCookieHeader } from './cookies';

describe('parseCookieHeader', () => {
  it('reads name=value pairs as strings', () => {
    expect({ ...parseCookieHeader('pat_session=abc; theme=dark') }).toEqual({
      pat_session: 'abc',
      theme: 'dark',
    });
  });

  it("keeps cookie-parser's j: JSON form as the text it is", () => {
    expect(parseCookieHeader('pat_session=j:{}').pat_session).toBe('j:{}');
    expect(parseCookieHeader('pat_session=j:[]').pat_session).toBe('j:[]');
    expect(parseCookieHeader('pat_session=j:%7B%22a%22%3A1%7D').pat_session).toBe('j:{"a":1}');
  });

  it('decodes percent-escapes, and leaves malformed ones as sent', () => {
    expect(parseCookieHeader('a=x%20y; b=%E0%A4%A').a).toBe('x y');
    expect(parseCookieHeader('a=x%20y; b=%E0%A4%A').b).toBe('%E0%A4%A');
  });

  it('takes the first of a repeated name and skips pairs without =', () => {
    const cookies = parseCookieHeader('a=1; junk; a=2');
    expect({ ...cookies }).toEqual({ a: '1' });
  });

  it('treats __proto__ as an ordinary name', () => {
    const cookies = parseCookieHeader('__proto__=x; constructor=y');
    expect(cookies.__proto__).toBe('x');
    expect(cookies.constructor).toBe('y');
    expect(cookies instanceof Object).toBe(false);
  });

  it('is empty without a header', () => {
    expect({ ...parseCookieHeader(undefined) }).toEqual({});
  });
});
