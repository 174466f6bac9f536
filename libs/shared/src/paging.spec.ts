import { DomainError } from './errors';
import { encodeCursor, nextPageUrl, pageOf, parsePageRequest } from './paging';

function fieldOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'invalid') return error.field;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('paging', () => {
  it('defaults to the first page of 100', () => {
    expect(parsePageRequest(undefined, undefined, 2)).toEqual({ limit: 100, after: null });
  });

  it('reads a limit from 1 to 100 and refuses anything else, naming limit', () => {
    expect(parsePageRequest('1', undefined, 2).limit).toBe(1);
    expect(parsePageRequest('100', undefined, 2).limit).toBe(100);
    for (const bad of ['0', '101', '-1', '2.5', 'abc', '', ' 5', '1e2', '0x10', ['1', '2'], {}]) {
      expect(fieldOf(() => parsePageRequest(bad, undefined, 2))).toBe('limit');
    }
  });

  it('round-trips a cursor and refuses malformed ones, naming cursor', () => {
    const cursor = encodeCursor(['2026-01-01T00:00:00.000Z', 'id-1']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parsePageRequest(undefined, cursor, 2).after).toEqual([
      '2026-01-01T00:00:00.000Z',
      'id-1',
    ]);
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of [
      '',
      'not base64!',
      b64('not json'),
      b64('{"a":1}'),
      b64('["only one"]'),
      b64('["a", 2]'),
      encodeCursor(['a', 'b', 'c']),
      encodeCursor(['a', 'x'.repeat(201)]),
      'A'.repeat(513),
      [cursor, cursor],
    ]) {
      expect(fieldOf(() => parsePageRequest(undefined, bad, 2))).toBe('cursor');
    }
  });

  it('keeps one item more than the page only to say that another page follows', () => {
    const key = (n: number) => [String(n)];
    expect(pageOf([1, 2], 2, key)).toEqual({ items: [1, 2], next: null });
    const page = pageOf([1, 2, 3], 2, key);
    expect(page.items).toEqual([1, 2]);
    expect(parsePageRequest(undefined, page.next, 1).after).toEqual(['2']);
  });

  it('names the next page with the same path and parameters, the cursor replaced', () => {
    expect(nextPageUrl('/api/v1/me/tokens?limit=2', 'abc')).toBe(
      '/api/v1/me/tokens?limit=2&cursor=abc',
    );
    expect(
      nextPageUrl('/api/v1/audit/active-tokens?at=2026-01-01T00:00:00Z&cursor=old&limit=5', 'new'),
    ).toBe('/api/v1/audit/active-tokens?at=2026-01-01T00%3A00%3A00Z&cursor=new&limit=5');
  });
});
