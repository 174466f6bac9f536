/**
 * Browser sessions. Stored by the SHA-256 of the session id, so whoever reads the store cannot
 * use what it finds there.
 */
export interface SessionRecord {
  readonly userId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /**
   * When the password was last proven in this session (sign-in or `POST /session/confirm`).
   * Null for sessions saved before this was recorded: they count as not proven (fail closed).
   */
  readonly passwordProvenAt: string | null;
  /**
   * The user's password version (UserRecord.passwordVersion) when the session was started or
   * last proven; 0 for sessions saved before versions were recorded. A session older than the
   * user's current version was started under a password that has since changed.
   */
  readonly passwordVersion: number;
}

export interface SessionStore {
  save(idHash: string, session: SessionRecord): Promise<void>;
  find(idHash: string): Promise<SessionRecord | null>;
  /** Records a fresh password proof; false when no such session is stored. */
  markPasswordProven(idHash: string, provenAt: string, passwordVersion: number): Promise<boolean>;
  delete(idHash: string): Promise<void>;
  deleteByUser(userId: string): Promise<void>;
  /** Every session of the user but the one kept (the session that changed the password). */
  deleteByUserExcept(userId: string, keepIdHash: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const SESSION_STORE = Symbol('SessionStore');
