import { WorkSlots, WorkSlotsFullError } from './work-slots';

/** A job that runs until released. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { job: () => done, release };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkSlots', () => {
  it('runs at most `slots` jobs at once and the rest in arrival order', async () => {
    const slots = new WorkSlots(2, 10);
    const started: number[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const runs = gates.map((g, i) =>
      slots.run(async () => {
        started.push(i);
        await g.job();
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(slots.runningCount).toBe(2);
    expect(slots.waitingCount).toBe(2);

    gates[1].release();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(slots.runningCount).toBe(2);

    gates[0].release();
    gates[2].release();
    gates[3].release();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(slots.runningCount).toBe(0);
    expect(slots.waitingCount).toBe(0);
  });

  it('refuses a job at once when the waiting line is full, and takes jobs again later', async () => {
    const slots = new WorkSlots(1, 1);
    const first = gate();
    const running = slots.run(first.job);
    const waiting = slots.run(async () => 'second');
    await expect(slots.run(async () => 'third')).rejects.toBeInstanceOf(WorkSlotsFullError);

    first.release();
    await running;
    await expect(waiting).resolves.toBe('second');
    await expect(slots.run(async () => 'later')).resolves.toBe('later');
  });

  it('frees the slot when a job fails', async () => {
    const slots = new WorkSlots(1, 0);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(slots.runningCount).toBe(0);
    await expect(slots.run(async () => 1)).resolves.toBe(1);
  });

  it('refuses nonsensical sizes', () => {
    expect(() => new WorkSlots(0, 1)).toThrow(RangeError);
    expect(() => new WorkSlots(1, -1)).toThrow(RangeError);
  });
});
