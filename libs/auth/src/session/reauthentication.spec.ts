import { CLOCK_SKEW_TOLERANCE_MS, isProvenWithin, outlivedItsPassword } from './reauthentication';

describe('re-authentication window', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const WINDOW = 10 * 60_000;

  it('counts a proof younger than the window, and not one as old as it or older', () => {
    expect(isProvenWithin(ago(0), now, WINDOW)).toBe(true);
    expect(isProvenWithin(ago(WINDOW - 1), now, WINDOW)).toBe(true);
    expect(isProvenWithin(ago(WINDOW), now, WINDOW)).toBe(false);
    expect(isProvenWithin(ago(WINDOW * 6), now, WINDOW)).toBe(false);
  });

  it('fails closed: never proven, unreadable or further in the future than clocks drift', () => {
    expect(isProvenWithin(null, now, WINDOW)).toBe(false);
    expect(isProvenWithin('not a time', now, WINDOW)).toBe(false);
    expect(isProvenWithin(ago(-CLOCK_SKEW_TOLERANCE_MS - 1), now, WINDOW)).toBe(false);
  });

  it('counts a proof stamped by an instance whose clock is a little ahead', () => {
    expect(isProvenWithin(ago(-1), now, WINDOW)).toBe(true);
    expect(isProvenWithin(ago(-CLOCK_SKEW_TOLERANCE_MS), now, WINDOW)).toBe(true);
  });
});

describe('a session and the password it was started under', () => {
  it('ends when the user’s password version moved past the session’s', () => {
    expect(outlivedItsPassword(0, 0)).toBe(false);
    expect(outlivedItsPassword(3, 3)).toBe(false);
    // A session from before versions were recorded (0) after a change (revision 2).
    expect(outlivedItsPassword(0, 2)).toBe(true);
    expect(outlivedItsPassword(2, 5)).toBe(true);
  });

  it('keeps a session re-stamped with the new version', () => {
    expect(outlivedItsPassword(5, 5)).toBe(false);
  });
});
