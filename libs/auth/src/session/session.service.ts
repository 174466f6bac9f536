import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import type { Principal } from '@pat/access';
import { isProvenWithin, outlivedItsPassword } from './reauthentication';
import { SESSION_STORE, SessionStore } from './session-store.port';

export const SESSION_COOKIE = 'pat_session';

const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

/** A user document's password version; documents from before versions were recorded are 0. */
export const passwordVersionOf = (user: { readonly passwordVersion?: number }): number =>
  user.passwordVersion ?? 0;

@Injectable()
export class SessionService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Starts a session after the password was checked (so it counts as proven now), under the
   * user's current password version; the returned id goes into the cookie and nowhere else.
   */
  async start(user: {
    readonly userId: string;
    readonly passwordVersion?: number;
  }): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000);
    await this.store.save(hashSessionId(id), {
      userId: user.userId,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      passwordProvenAt: now.toISOString(),
      passwordVersion: passwordVersionOf(user),
    });
    return { id, expiresAt };
  }

  /** The principal behind a session cookie, with the user's flags as they are now. */
  async authenticate(sessionId: string | undefined): Promise<Principal | null> {
    if (!sessionId || sessionId.length > 100) return null;
    const session = await this.store.find(hashSessionId(sessionId));
    if (!session || Date.parse(session.expiresAt) <= this.clock.now().getTime()) return null;
    const user = await this.userQueries.findUserById(session.userId);
    if (!user || user.deletedAt !== null) return null;
    // The password changed since this session proved it: the session ended with it. Checked
    // against the shared read model, so every instance refuses it at once, whether or not the
    // row was deleted yet.
    if (outlivedItsPassword(session.passwordVersion, passwordVersionOf(user))) return null;
    return {
      userId: user.userId,
      username: user.username,
      isAdmin: user.isAdmin,
      isAuditor: user.isAuditor,
      authMethod: 'session',
      tokenId: null,
      tokenExpiresAt: null,
      sessionId,
      passwordProvenAt: session.passwordProvenAt,
      passwordChangeRequired: user.passwordChangeRequired === true,
    };
  }

  /** Whether the session proved its password within the re-authentication window. */
  isRecentlyProven(principal: Principal): boolean {
    if (principal.authMethod !== 'session') return false;
    return isProvenWithin(
      principal.passwordProvenAt ?? null,
      this.clock.now(),
      this.config.reauthWindowMs,
    );
  }

  /**
   * Records that the session proved the password just now; returns until when that counts, or
   * null when the session is gone.
   */
  async confirmPassword(
    sessionId: string,
    user: { readonly passwordVersion?: number },
  ): Promise<{ confirmedUntil: Date } | null> {
    const now = this.clock.now();
    const stored = await this.store.markPasswordProven(
      hashSessionId(sessionId),
      now.toISOString(),
      passwordVersionOf(user),
    );
    return stored ? { confirmedUntil: new Date(now.getTime() + this.config.reauthWindowMs) } : null;
  }

  /**
   * After a password change (already in the read model): every other session of the user ends.
   * The session that made the change, when it is the user's own, keeps working under the new
   * version with its proof time now. Other instances refuse the old sessions through the version
   * check in `authenticate` even before the rows are gone.
   */
  async passwordChanged(userId: string, changedBy: Principal): Promise<void> {
    const user = await this.userQueries.findUserById(userId);
    const own = changedBy.authMethod === 'session' && changedBy.userId === userId;
    if (own && changedBy.sessionId && user) {
      const keep = hashSessionId(changedBy.sessionId);
      await this.store.markPasswordProven(
        keep,
        this.clock.now().toISOString(),
        passwordVersionOf(user),
      );
      await this.store.deleteByUserExcept(userId, keep);
    } else {
      await this.store.deleteByUser(userId);
    }
  }

  async end(sessionId: string): Promise<void> {
    await this.store.delete(hashSessionId(sessionId));
  }

  async endAllFor(userId: string): Promise<void> {
    await this.store.deleteByUser(userId);
  }
}
