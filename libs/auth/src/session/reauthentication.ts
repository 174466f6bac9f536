/**
 * The re-authentication rules of docs/design/contract.md §10 as pure functions of the session's
 * record, the user's record and the time.
 */

/**
 * How far ahead of this instance's clock a proof may be: another instance's clock a little ahead
 * must not make a fresh sign-in look unproven (several instances share one session store).
 */
export const CLOCK_SKEW_TOLERANCE_MS = 60_000;

/**
 * Whether a password proven at `provenAt` (null: never) still counts at `now`. A proof further in
 * the future than clocks drift apart (the clock stepped back, or a forged row) does not count:
 * fail closed.
 */
export function isProvenWithin(provenAt: string | null, now: Date, windowMs: number): boolean {
  if (provenAt === null) return false;
  const proven = Date.parse(provenAt);
  if (Number.isNaN(proven)) return false;
  const age = now.getTime() - proven;
  return age >= -CLOCK_SKEW_TOLERANCE_MS && age < windowMs;
}

/**
 * Whether a session recorded under `sessionVersion` was started (or last proven) before the
 * user's password last changed: such a session has ended. Missing versions are 0.
 */
export const outlivedItsPassword = (sessionVersion: number, userVersion: number): boolean =>
  sessionVersion < userVersion;
