import { IsOptional, IsString, validateSync } from 'class-validator';
import { VisibleName, nameProblem } from './visible-name';

describe('nameProblem', () => {
  it.each([
    'ci-deploy',
    'Alice Liddell',
    'Prévisions',
    'Ünïcödé',
    '予測チーム',
    'مشروع',
    'a b',
    'e\u0301', // a letter and a combining accent
    '\u2764\uFE0F', // a heart and the emoji variation selector
    ' padded ',
  ])('accepts %j', (name) => {
    expect(nameProblem(name)).toBeNull();
  });

  it.each([
    ['right-to-left override', 'invoice\u202Efdp.exe'],
    ['left-to-right embedding', '\u202Aname'],
    ['pop directional formatting', 'name\u202C'],
    ['right-to-left isolate', 'a\u2067b'],
    ['first strong isolate', 'a\u2068b'],
    ['pop directional isolate', 'a\u2069b'],
    ['left-to-right mark', 'a\u200Eb'],
    ['right-to-left mark', 'a\u200Fb'],
    ['Arabic letter mark', 'a\u061Cb'],
    ['zero-width space', 'ci\u200Bdeploy'],
    ['zero-width non-joiner', 'a\u200Cb'],
    ['zero-width joiner', 'a\u200Db'],
    ['word joiner', 'a\u2060b'],
    ['invisible times', 'a\u2062b'],
    ['byte order mark', '\uFEFFname'],
    ['Hangul filler', 'a\u3164b'],
    ['Hangul choseong filler', 'a\u115Fb'],
    ['Hangul jungseong filler', 'a\u1160b'],
    ['halfwidth Hangul filler', 'a\uFFA0b'],
    ['Mongolian vowel separator', 'a\u180Eb'],
    ['soft hyphen', 'ad\u00ADmin'],
    ['combining grapheme joiner', 'a\u034Fb'],
    ['tag character', 'a\u{E0041}b'],
    ['cancel tag', 'a\u{E007F}'],
    ['variation selector at the start', '\uFE0Fname'],
    ['variation selector after a space', 'a \uFE0F'],
    ['newline', 'a\nb'],
    ['tab', 'a\tb'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007Fb'],
    ['C1 control', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
    ['Braille blank', 'a\u2800b'],
  ])('refuses a %s', (_what, name) => {
    expect(nameProblem(name)).toBe('invisible');
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['an ideographic space', '\u3000'],
    ['marks only', '\u0301\u0302'],
    ['a no-break space', '\u00A0'],
  ])('refuses a name with no visible character: %s', (_what, name) => {
    expect(nameProblem(name)).toBe('blank');
  });

  it('refuses a name made only of zero-width spaces as invisible', () => {
    expect(nameProblem('\u200B')).toBe('invisible');
  });
});

class Named {
  @IsOptional()
  @IsString()
  @VisibleName()
  name?: string | null;
}

describe('@VisibleName', () => {
  const messagesFor = (name: unknown) =>
    validateSync(Object.assign(new Named(), { name })).flatMap((error) =>
      Object.values(error.constraints ?? {}),
    );

  it('names the field and the problem', () => {
    expect(messagesFor('a\u202Eb')).toEqual([
      'name must not contain invisible or bidirectional control characters',
    ]);
    expect(messagesFor('  ')).toEqual(['name must contain a visible character']);
  });

  it('passes visible names, and leaves absent values and other types to other decorators', () => {
    expect(messagesFor('Forecasting')).toEqual([]);
    expect(messagesFor(null)).toEqual([]);
    expect(messagesFor(undefined)).toEqual([]);
    expect(messagesFor(42)).toEqual(['name must be a string']);
  });
});
