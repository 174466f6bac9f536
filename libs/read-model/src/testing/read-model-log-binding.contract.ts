import { randomUUID } from 'node:crypto';
import { ReadModelBoundToAnotherLogError } from '../read-model.port';
import { ReadModelSuite, tokenCreated } from './read-model-contract-fixtures';

/** The binding to the event log the read model was built from. */
export function describeLogBinding(suite: ReadModelSuite): void {
  const { apply } = suite;

  it('starts unbound, binds to a log once and keeps the binding across reopen', async () => {
    let readModel = suite.readModel();
    expect(await readModel.readLogBinding()).toBeNull();
    expect(readModel.location).toMatch(/\S/);
    const logId = randomUUID();
    await readModel.bindToLog(logId);
    expect(await readModel.readLogBinding()).toBe(logId);
    // Binding again to the same log changes nothing.
    await readModel.bindToLog(logId);
    readModel = await suite.reopen();
    expect(await readModel.readLogBinding()).toBe(logId);
  });

  it('refuses to bind to another log, keeping the first binding', async () => {
    const readModel = suite.readModel();
    const logId = randomUUID();
    const other = randomUUID();
    await readModel.bindToLog(logId);
    let refusal: unknown;
    try {
      await readModel.bindToLog(other);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ReadModelBoundToAnotherLogError);
    expect(refusal).toMatchObject({ boundLogId: logId, requestedLogId: other });
    expect(await readModel.readLogBinding()).toBe(logId);
  });

  it('lets exactly one of concurrent bindings to different logs win', async () => {
    const readModel = suite.readModel();
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const attempts = await Promise.allSettled(ids.map((id) => readModel.bindToLog(id)));
    const won = attempts.filter((a) => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const bound = await readModel.readLogBinding();
    expect(ids[attempts.findIndex((a) => a.status === 'fulfilled')]).toBe(bound);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') {
        expect(attempt.reason).toBeInstanceOf(ReadModelBoundToAnotherLogError);
      }
    }
  });

  it('drops the binding with clear(), so a rebuild can bind to another log', async () => {
    const readModel = suite.readModel();
    await readModel.bindToLog(randomUUID());
    await apply([tokenCreated()], { projection: 'read-model', position: '7' });
    await readModel.clear();
    expect(await readModel.readLogBinding()).toBeNull();
    const next = randomUUID();
    await readModel.bindToLog(next);
    expect(await readModel.readLogBinding()).toBe(next);
  });
}
