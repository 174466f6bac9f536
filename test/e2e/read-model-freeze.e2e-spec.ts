import { EVENT_STORE, EventStore } from '@pat/event-store';
import { OwnFerretDb, until } from '../support/ferretdb';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

/**
 * The read model's server frozen (SIGSTOP) while revocations are in flight, then resumed (issue
 * 13): a revocation that was recorded — answered 200, or 503 "recorded but not visible" — is in
 * force for every request sent after that answer, before and after the server resumes; one that
 * was refused outright left nothing in the log. The defect this guards against: a request that
 * read a token while the server was frozen answered 200 after it resumed, and the usage event it
 * recorded made the revocation look old to the read model.
 */
const TOKENS = 12;
const FROZEN_MS = 12_000;

interface Probe {
  readonly token: number;
  readonly sentAt: number;
  readonly status: number;
}

if (!process.env.MONGODB_URI) {
  describe('Revocations while the MongoDB read model is frozen', () => {
    it('runs in the MongoDB pass of .ci/run (MONGODB_URI is not set here)', () => {
      console.log('MongoDB freeze test skipped: MONGODB_URI is not set; .ci/run sets it.');
      expect(process.env.MONGODB_URI).toBeUndefined();
    });
  });
} else {
  describe('Revocations while the MongoDB read model is frozen (own FerretDB, SIGSTOP)', () => {
    let ferret: OwnFerretDb;
    let t: TestApp;

    beforeAll(async () => {
      ferret = await OwnFerretDb.start();
      t = await startTestApp({ env: { MONGODB_URI: ferret.uri('freeze') } });
    });
    afterAll(async () => {
      ferret?.thaw();
      await t?.close();
      await ferret?.dispose();
    });

    it('keeps every recorded revocation in force, and answers none as a plain failure', async () => {
      const admin = await signIn(t);
      const tokens: Array<{ id: string; token: string }> = [];
      for (let i = 0; i < TOKENS; i++) {
        const created = await createToken(t, admin, { name: `frozen-${i}`, expiresInDays: 30 });
        await t.http().get(`${API}/me`).set(bearer(created.token)).expect(200);
        tokens.push(created);
      }

      // Every token is probed continuously; each probe remembers when it was sent.
      const probes: Probe[] = [];
      let probing = true;
      const prober = (async () => {
        while (probing) {
          await Promise.all(
            tokens.map(async ({ token }, index) => {
              const sentAt = Date.now();
              const response = await t.http().get(`${API}/me`).set(bearer(token));
              probes.push({ token: index, sentAt, status: response.status });
            }),
          );
        }
      })();

      // Revocations start at staggered moments; the server freezes in the middle of them.
      const answeredAt = new Map<number, { at: number; status: number; message: string }>();
      const revocations = tokens.map(async ({ id, token }, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 15));
        const response = await t.http().post(`${API}/me/tokens/${id}/revoke`).set(bearer(token));
        answeredAt.set(index, {
          at: Date.now(),
          status: response.status,
          message: JSON.stringify(response.body),
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 60));
      ferret.freeze();
      await new Promise((resolve) => setTimeout(resolve, FROZEN_MS));
      ferret.thaw();
      await Promise.all(revocations);
      // Every token a revocation was recorded for answers 401 revoked once the server is back.
      const log = t.app.get<EventStore>(EVENT_STORE);
      const revokedInLog = new Set(
        (await log.readAll({ maxCount: 100_000 }))
          .filter((event) => event.type === 'TokenRevoked')
          .map((event) => (event.data as { tokenId: string }).tokenId),
      );
      await until(
        async () =>
          await Promise.all(
            tokens.map(async ({ id, token }) => {
              const status = (await t.http().get(`${API}/me`).set(bearer(token))).status;
              return revokedInLog.has(id) ? status === 401 : status === 200;
            }),
          ).then((ok) => ok.every(Boolean)),
        30_000,
      );
      probing = false;
      await prober;

      const recorded = /recorded but is not visible/;
      const kinds = [...answeredAt.values()].map((a) =>
        a.status === 200 ? 'ok' : recorded.test(a.message) ? 'recorded' : `refused ${a.status}`,
      );
      console.log(
        `Frozen for ${FROZEN_MS} ms: ${TOKENS} revocations answered ` +
          JSON.stringify(
            Object.fromEntries(
              [...new Set(kinds)].map((k) => [k, kinds.filter((x) => x === k).length]),
            ),
          ) +
          `; ${probes.length} probes`,
      );
      for (const [index, answer] of answeredAt) {
        const inLog = revokedInLog.has(tokens[index].id);
        if (answer.status === 200 || (answer.status === 503 && recorded.test(answer.message))) {
          // Answered as recorded: it is in the log, and no probe sent after the answer passed.
          expect(inLog).toBe(true);
          const passedAfter = probes.filter(
            (p) => p.token === index && p.sentAt > answer.at && p.status === 200,
          );
          expect(passedAfter).toEqual([]);
        } else {
          // Refused outright (the read model could not be reached before the append).
          expect(answer.status).toBe(503);
          expect(inLog).toBe(false);
        }
      }
      expect(answeredAt.size).toBe(TOKENS);
      expect(probes.length).toBeGreaterThan(0);
    }, 120_000);
  });
}
