import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Names people read (token names, users' display names, project names) must show what they
 * are: no bidirectional controls that reorder what is displayed ("…\u202Egnp.exe"), no
 * zero-width or invisible characters that make two different names look the same, no other
 * control characters, and at least one visible character.
 */
const INVISIBLE_OR_CONTROL = new RegExp(
  [
    '\\p{Cc}', // C0 and C1 controls, DEL
    '\\p{Cf}', // format characters: bidi controls and marks, zero-width, soft hyphen, tags, BOM…
    '\\p{Cs}', // lone surrogates
    '\\p{Zl}',
    '\\p{Zp}',
    // Invisible but not format characters: combining grapheme joiner, Hangul fillers, Mongolian
    // vowel separator, Braille blank.
    '\\u034F',
    '\\u115F',
    '\\u1160',
    '\\u180E',
    '\\u2800',
    '\\u3164',
    '\\uFFA0',
    '[\\u{E0000}-\\u{E007F}]', // tags (the unassigned ones are not Cf)
  ].join('|'),
  'u',
);

const VARIATION_SELECTOR = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;
/** Characters that show nothing by themselves. */
const NOT_VISIBLE = /[\p{White_Space}\p{M}]/u;

export type NameProblem = 'invisible' | 'blank';

/** What is wrong with the name, or null when it is fine. Pure; the decorator below uses it. */
export function nameProblem(name: string): NameProblem | null {
  let visible = false;
  let previousVisible = false;
  for (const char of name) {
    if (INVISIBLE_OR_CONTROL.test(char)) return 'invisible';
    if (VARIATION_SELECTOR.test(char)) {
      // A variation selector chooses how the character before it is drawn (text or emoji):
      // harmless after a visible character, an invisible character anywhere else.
      if (!previousVisible) return 'invisible';
      previousVisible = false;
      continue;
    }
    previousVisible = !NOT_VISIBLE.test(char);
    visible ||= previousVisible;
  }
  return visible ? null : 'blank';
}

/** class-validator: the property, when a string, passes nameProblem; the 400 names the field. */
export function VisibleName(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'visibleName',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || nameProblem(value) === null,
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          const problem = typeof value === 'string' ? nameProblem(value) : null;
          return problem === 'blank'
            ? `${args?.property} must contain a visible character`
            : `${args?.property} must not contain invisible or bidirectional control characters`;
        },
      },
    });
  };
}
