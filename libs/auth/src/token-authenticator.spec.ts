import { randomBytes, randomUUID } from 'node:crypto';
import { projectEvent } from '@pat/application';
import { recordedEvent } from '@pat/event-store/testing/recorded-event';
import type { UserProfile } from '@pat/identity/domain';
import { projectUserEvents } from '@pat/identity/projections/user.projection';
import { ReadModelUnavailableError, SqliteReadModel } from '@pat/read-model';
import { DAY_MS, ManualClock, loadConfig } from '@pat/shared';
import {
  TOKEN_POLICY_STREAM,
  checksumOf,
  generateTokenSecret,
  hashToken,
  tokenHint,
} from '@pat/tokens/domain';
import { projectTokenEvents } from '@pat/tokens/projections/token.projection';
import { TokenAuthenticator } from './token-authenticator';

const start = new Date('2026-01-01T00:00:00.000Z');
// The current prefix first, then an earlier one whose tokens still work.
const config = loadConfig({ TOKEN_PREFIX: 'new_,tgp_' });

describe('TokenAuthenticator', () => {
  let readModel: SqliteReadModel;
  let clock: ManualClock;
  let authenticator: TokenAuthenticator;
  /** The revision each stream is at, so that events follow on without gaps. */
  let revisions: Map<string, number>;

  beforeEach(() => {
    readModel = new SqliteReadModel({ filename: ':memory:' });
    clock = new ManualClock(start);
    authenticator = new TokenAuthenticator(readModel, clock, config);
    revisions = new Map();
  });
  afterEach(() => readModel.close());

  /** Appends to the read model what the projections make of these events of one stream. */
  async function record(streamName: string, ...events: Array<{ type: string; data: unknown }>) {
    const projected = events.map((event) => {
      const revision = (revisions.get(streamName) ?? -1) + 1;
      revisions.set(streamName, revision);
      const recorded = recordedEvent({
        ...event,
        streamName,
        revision,
        metadata: { occurredAt: clock.now().toISOString() },
      });
      return projectEvent([projectTokenEvents, projectUserEvents], recorded);
    });
    await readModel.applyEvents(projected);
  }

  async function createUser(overrides: Partial<UserProfile> = {}): Promise<UserProfile> {
    const profile: UserProfile = {
      userId: randomUUID(),
      username: `user-${randomUUID().slice(0, 8)}`,
      name: null,
      email: null,
      isAdmin: false,
      isAuditor: false,
      ...overrides,
    };
    await record(`user-${profile.userId}`, {
      type: 'UserCreated',
      data: { ...profile, passwordHash: '$argon2id$not-a-real-hash' },
    });
    return profile;
  }

  /** A token as the create handler makes one: a real secret, stored by its SHA-256 only. */
  async function issueToken(userId: string, days = 30, prefix = config.tokenPrefix) {
    const secret = generateTokenSecret(prefix, randomBytes);
    const tokenId = randomUUID();
    const expiresAt = new Date(clock.now().getTime() + days * DAY_MS).toISOString();
    await record(`token-${tokenId}`, {
      type: 'TokenCreated',
      data: {
        tokenId,
        userId,
        name: 'ci',
        tokenHash: hashToken(secret),
        tokenHint: tokenHint(prefix, secret),
        createdAt: clock.now().toISOString(),
        expiresAt,
      },
    });
    return { secret, tokenId, expiresAt };
  }

  const revoke = (tokenId: string, userId: string) =>
    record(`token-${tokenId}`, {
      type: 'TokenRevoked',
      data: { tokenId, userId, revokedAt: clock.now().toISOString(), reason: 'user' },
    });

  describe('a token in force', () => {
    it('authenticates as its owner, with the token and its effective expiry', async () => {
      const owner = await createUser({ username: 'alice', isAuditor: true });
      const { secret, tokenId, expiresAt } = await issueToken(owner.userId);
      expect(await authenticator.authenticate(secret)).toEqual({
        ok: true,
        principal: {
          userId: owner.userId,
          username: 'alice',
          isAdmin: false,
          isAuditor: true,
          authMethod: 'token',
          tokenId,
          tokenExpiresAt: expiresAt,
          sessionId: null,
          passwordChangeRequired: false,
        },
        token: { tokenId, userId: owner.userId, lastUsedAt: null },
      });
    });

    it('is in force until the instant before its expiry', async () => {
      const owner = await createUser();
      const { secret, expiresAt } = await issueToken(owner.userId, 1);
      clock.set(new Date(Date.parse(expiresAt) - 1));
      expect(await authenticator.authenticate(secret)).toMatchObject({ ok: true });
    });

    it('authenticates with an earlier prefix still listed in TOKEN_PREFIX', async () => {
      const owner = await createUser();
      const { secret, tokenId } = await issueToken(owner.userId, 30, 'tgp_');
      expect(await authenticator.authenticate(secret)).toMatchObject({
        ok: true,
        principal: { tokenId },
      });
    });

    it('says the owner still has a one-time password', async () => {
      const owner = await createUser();
      await record(`user-${owner.userId}`, {
        type: 'UserUpdated',
        data: { ...owner, passwordHash: '$argon2id$reset', passwordChangeRequired: true },
      });
      const { secret } = await issueToken(owner.userId);
      expect(await authenticator.authenticate(secret)).toMatchObject({
        ok: true,
        principal: { passwordChangeRequired: true },
      });
    });

    it('reports the last recorded use, for the usage trail', async () => {
      const owner = await createUser();
      const { secret, tokenId } = await issueToken(owner.userId);
      const usedAt = '2026-01-02T00:00:00.000Z';
      await record(`token-${tokenId}`, {
        type: 'TokenUsed',
        data: { tokenId, userId: owner.userId, usedAt, ip: '203.0.113.7', userAgent: 'curl' },
      });
      expect(await authenticator.authenticate(secret)).toMatchObject({
        ok: true,
        token: { tokenId, lastUsedAt: usedAt },
      });
    });
  });

  describe('refusals', () => {
    it('refuses an unknown token as invalid, naming no token', async () => {
      const unknown = generateTokenSecret(config.tokenPrefix, randomBytes);
      expect(await authenticator.authenticate(unknown)).toEqual({
        ok: false,
        reason: 'invalid',
        token: null,
      });
    });

    it('refuses malformed tokens and retired prefixes as invalid without a lookup', async () => {
      const owner = await createUser();
      const { secret } = await issueToken(owner.userId);
      const body = secret.slice('new_'.length, 'new_'.length + 30);
      const malformed = [
        '',
        'new_',
        secret.slice(0, -1),
        `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`,
        `old_${body}${checksumOf(body)}`,
      ];
      // Closed: a lookup would throw, so these are answered from the format alone.
      await readModel.close();
      for (const presented of malformed) {
        expect(await authenticator.authenticate(presented)).toEqual({
          ok: false,
          reason: 'invalid',
          token: null,
        });
      }
    });

    it('refuses a token past its own expiry (inclusive) as expired, naming the token', async () => {
      const owner = await createUser();
      const { secret, tokenId, expiresAt } = await issueToken(owner.userId, 7);
      clock.set(expiresAt);
      expect(await authenticator.authenticate(secret)).toEqual({
        ok: false,
        reason: 'expired',
        token: { tokenId, userId: owner.userId, lastUsedAt: null },
      });
    });

    it('refuses a token past the policy cap as expired, though its own expiry is later', async () => {
      const owner = await createUser();
      const { secret, tokenId } = await issueToken(owner.userId, 90);
      await record(TOKEN_POLICY_STREAM, {
        type: 'TokenPolicyChanged',
        data: { maxLifetimeDays: 30 },
      });
      clock.advance(29 * DAY_MS);
      // Still in force: the cap is its effective expiry.
      expect(await authenticator.authenticate(secret)).toMatchObject({
        ok: true,
        principal: { tokenExpiresAt: new Date(start.getTime() + 30 * DAY_MS).toISOString() },
      });
      clock.advance(DAY_MS);
      expect(await authenticator.authenticate(secret)).toEqual({
        ok: false,
        reason: 'expired',
        token: { tokenId, userId: owner.userId, lastUsedAt: null },
      });
    });

    it('refuses a revoked token as revoked from the moment the read model has it', async () => {
      const owner = await createUser();
      const { secret, tokenId } = await issueToken(owner.userId);
      expect(await authenticator.authenticate(secret)).toMatchObject({ ok: true });
      await revoke(tokenId, owner.userId);
      expect(await authenticator.authenticate(secret)).toEqual({
        ok: false,
        reason: 'revoked',
        token: { tokenId, userId: owner.userId, lastUsedAt: null },
      });
    });

    it('says revoked rather than expired for a token that is both', async () => {
      const owner = await createUser();
      const { secret, tokenId, expiresAt } = await issueToken(owner.userId, 1);
      await revoke(tokenId, owner.userId);
      clock.set(expiresAt);
      expect(await authenticator.authenticate(secret)).toMatchObject({
        ok: false,
        reason: 'revoked',
      });
    });

    it('refuses the tokens of a deleted owner as revoked, before their revocations exist', async () => {
      const owner = await createUser();
      const { secret, tokenId } = await issueToken(owner.userId);
      await record(`user-${owner.userId}`, { type: 'UserDeleted', data: owner });
      expect(await authenticator.authenticate(secret)).toEqual({
        ok: false,
        reason: 'revoked',
        token: { tokenId, userId: owner.userId, lastUsedAt: null },
      });
    });

    it('refuses a token whose owner has no document as revoked', async () => {
      const { secret, tokenId } = await issueToken('no-such-user');
      expect(await authenticator.authenticate(secret)).toEqual({
        ok: false,
        reason: 'revoked',
        token: { tokenId, userId: 'no-such-user', lastUsedAt: null },
      });
    });
  });

  it('fails closed: a read model that cannot answer is an error, not a verdict', async () => {
    const owner = await createUser();
    const { secret } = await issueToken(owner.userId);
    await readModel.close();
    await expect(authenticator.authenticate(secret)).rejects.toBeInstanceOf(
      ReadModelUnavailableError,
    );
  });
});
