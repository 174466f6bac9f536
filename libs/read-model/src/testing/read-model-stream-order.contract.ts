import { StreamGapError } from '../read-model.port';
import {
  ReadModelSuite,
  asEvents,
  silentEvent,
  tokenChange,
  tokenCreated,
} from './read-model-contract-fixtures';

/** One token's stream: created (0), revoked by its user on 01-02 (1), used on 01-03 (2). */
function revokedThenUsed() {
  const created = tokenCreated();
  const revoked = tokenChange(created.id, 1, {
    revokedAt: '2026-01-02T00:00:00.000Z',
    revokedReason: 'user',
  });
  const used = tokenChange(created.id, 2, { lastUsedAt: '2026-01-03T00:00:00.000Z' });
  return { created, revoked, used };
}

/** Stream revisions: events must follow their stream without a gap (StreamGapError). */
export function describeStreamOrder(suite: ReadModelSuite): void {
  const { apply } = suite;

  it('refuses an event that does not follow its stream, applying nothing of the batch', async () => {
    const readModel = suite.readModel();
    const first = tokenCreated();
    const other = tokenCreated();
    await apply([first]);
    const revoked = tokenChange(first.id, 2, {
      revokedAt: '2026-01-02T00:00:00.000Z',
      revokedReason: 'user',
    });
    const refusal = readModel.applyEvents([...asEvents([other]), ...asEvents([revoked])]);
    await expect(refusal).rejects.toBeInstanceOf(StreamGapError);
    await expect(refusal).rejects.toMatchObject({
      gaps: [{ streamName: `token-${first.id}`, applied: 0, arrived: 2 }],
    });
    // Nothing of the refused batch took effect, not even the other stream's event.
    expect(await readModel.findTokenById(other.id)).toBeNull();
    expect((await readModel.findTokenById(first.id))?.revokedAt).toBeNull();
    // With the missing event first, the same batch applies.
    await readModel.applyEvents([silentEvent(first.id, 1), ...asEvents([other, revoked])]);
    expect((await readModel.findTokenById(first.id))?.revokedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(await readModel.findTokenById(other.id)).not.toBeNull();
  });

  it('never lets a later event of a stream hide an earlier one that arrives after it', async () => {
    const readModel = suite.readModel();
    // The defect this guards against: a usage event (revision 2) applied before the
    // revocation (revision 1) made the revocation look old, and it was dropped for good.
    const { created, revoked, used } = revokedThenUsed();
    await apply([created]);
    await expect(apply([used])).rejects.toBeInstanceOf(StreamGapError);
    await apply([revoked]);
    await apply([used]);
    await apply([revoked]); // late duplicate
    expect(await readModel.findTokenById(created.id)).toEqual({
      ...created.set,
      revokedAt: '2026-01-02T00:00:00.000Z',
      revokedReason: 'user',
      lastUsedAt: '2026-01-03T00:00:00.000Z',
      revision: 2,
    });
  });

  it('moves a stream on with events no document reflects, and never back', async () => {
    const readModel = suite.readModel();
    const created = tokenCreated();
    await readModel.applyEvents([
      ...asEvents([created]),
      silentEvent(created.id, 1),
      silentEvent(created.id, 2),
    ]);
    // A late copy of the start of the stream changes nothing and moves nothing back.
    expect(await readModel.applyEvents([...asEvents([created]), silentEvent(created.id, 1)])).toBe(
      0,
    );
    const revoked = tokenChange(created.id, 3, {
      revokedAt: '2026-01-04T00:00:00.000Z',
      revokedReason: 'admin',
    });
    expect(await apply([revoked])).toBe(1);
    expect((await readModel.findTokenById(created.id))?.revision).toBe(3);
  });

  it('applies a batch that holds a stream from its start, whatever it already reflects', async () => {
    const readModel = suite.readModel();
    const { created, revoked, used } = revokedThenUsed();
    await apply([created, revoked]);
    // What filling a gap from the log looks like: the whole stream, then the newer event.
    await apply([created, revoked, used]);
    const token = await readModel.findTokenById(created.id);
    expect(token?.revokedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(token?.lastUsedAt).toBe('2026-01-03T00:00:00.000Z');
    expect(token?.revision).toBe(2);
  });

  it('keeps stream revisions across reopen and forgets them on clear', async () => {
    let readModel = suite.readModel();
    const created = tokenCreated();
    await apply([created]);
    readModel = await suite.reopen();
    const skipped = tokenChange(created.id, 2, { lastUsedAt: '2026-01-03T00:00:00.000Z' });
    await expect(apply([skipped])).rejects.toBeInstanceOf(StreamGapError);
    await readModel.applyEvents([silentEvent(created.id, 1), ...asEvents([skipped])]);
    await readModel.clear();
    const next = tokenChange(created.id, 3, { lastUsedAt: '2026-01-04T00:00:00.000Z' });
    await expect(apply([next])).rejects.toBeInstanceOf(StreamGapError);
  });
}
