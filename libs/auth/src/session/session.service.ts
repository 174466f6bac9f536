import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import type { Principal } from '../principal';
import { SESSION_STORE, SessionStore } from './session-store.port';

export const SESSION_COOKIE = 'pat_session';

const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

@Injectable()
export class SessionService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a session; the returned id goes into the cookie and nowhere else. */
  async start(userId: string): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000);
    await this.store.save(hashSessionId(id), {
      userId,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    return { id, expiresAt };
  }

  /** The principal behind a session cookie, with the user's flags as they are now. */
  async authenticate(sessionId: string | undefined): Promise<Principal | null> {
    if (!sessionId || sessionId.length > 100) return null;
    const session = await this.store.find(hashSessionId(sessionId));
    if (!session || Date.parse(session.expiresAt) <= this.clock.now().getTime()) return null;
    const user = await this.readModel.findUserById(session.userId);
    if (!user || user.deletedAt !== null) return null;
    return {
      userId: user.userId,
      username: user.username,
      isAdmin: user.isAdmin,
      isAuditor: user.isAuditor,
      authMethod: 'session',
      tokenId: null,
      tokenExpiresAt: null,
      sessionId,
    };
  }

  async end(sessionId: string): Promise<void> {
    await this.store.delete(hashSessionId(sessionId));
  }

  async endAllFor(userId: string): Promise<void> {
    await this.store.deleteByUser(userId);
  }
}
