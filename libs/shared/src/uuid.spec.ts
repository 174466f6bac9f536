import { isUuid } from './uuid';

describe('isUuid', () => {
  it('accepts the canonical form in either case', () => {
    expect(isUuid('3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91')).toBe(true);
    expect(isUuid('3F0C9A5E-8D1B-4C2E-9F4A-6B7D2E1C0A91')).toBe(true);
  });

  it('refuses anything else, whole-string', () => {
    for (const value of [
      '',
      'not-a-uuid',
      '3f0c9a5e8d1b4c2e9f4a6b7d2e1c0a91',
      '{3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91}',
      ' 3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91',
      '3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91\n',
      '3f0c9a5g-8d1b-4c2e-9f4a-6b7d2e1c0a91',
    ]) {
      expect(isUuid(value)).toBe(false);
    }
  });
});
