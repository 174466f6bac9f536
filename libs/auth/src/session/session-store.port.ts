/**
 * Browser sessions. Stored by the SHA-256 of the session id, so whoever reads the store cannot
 * use what it finds there.
 */
export interface SessionRecord {
  readonly userId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionStore {
  save(idHash: string, session: SessionRecord): Promise<void>;
  find(idHash: string): Promise<SessionRecord | null>;
  delete(idHash: string): Promise<void>;
  deleteByUser(userId: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const SESSION_STORE = Symbol('SessionStore');
