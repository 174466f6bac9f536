import { StoreStartupError } from './startup-error';

/**
 * The start's bounded wait for the stores on servers (STARTUP_TIMEOUT_SECONDS). One per start,
 * shared by every store, so that the whole start gives up in bounded time, not each store.
 */
export class StartupDeadline {
  private readonly at: number;

  constructor(
    readonly timeoutMs: number,
    /** The variable that sets the bound, named when the start gives up. */
    readonly setting = 'STARTUP_TIMEOUT_SECONDS',
  ) {
    this.at = Date.now() + timeoutMs;
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }
}

export interface StoreWait<T> {
  /** What is waited for, as operators know it: "EventStoreDB", "MongoDB". */
  readonly store: string;
  /** Where, without credentials: "esdb://127.0.0.1:2113". */
  readonly location: string;
  /** The variable that names the server: EVENTSTORE_CONNECTION_STRING, MONGODB_URI. */
  readonly setting: string;
  readonly deadline: StartupDeadline;
  /** One attempt; it should bound itself (a driver timeout), the deadline bounds it anyway. */
  readonly attempt: () => Promise<T>;
  /** Whether a failure is "not reachable (yet)", worth another attempt; others end the start. */
  readonly isRetryable: (error: unknown) => boolean;
  /** Gets what an attempt that succeeded after the deadline returned, to close it. */
  readonly discard?: (late: T) => void;
  /** Where progress lines go; stderr by default (the stdout log is not set up yet). */
  readonly report?: (line: string) => void;
}

/**
 * An attempt without an answer says so after FIRST_PROGRESS_MS (a first line well within 2 s of
 * the start), then every PROGRESS_INTERVAL_MS.
 */
export const FIRST_PROGRESS_MS = 1000;
export const PROGRESS_INTERVAL_MS = 2000;
/** Pauses between attempts: quick at first, then every PROGRESS_INTERVAL_MS. */
const RETRY_DELAYS_MS = [500, 1000, 2000];

const reportToStderr = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Runs attempts until one succeeds, a failure is not retryable, or the deadline passes. Each
 * failed attempt prints one progress line ("Waiting for EventStoreDB at … (attempt 3, next in
 * 2 s): why"), and an attempt without an answer prints one now and then, so a start
 * is never silent for long. Giving up throws a StoreStartupError naming the variables.
 */
export async function waitForStore<T>(wait: StoreWait<T>): Promise<T> {
  const report = wait.report ?? reportToStderr;
  const label = `${wait.store} at ${wait.location}`;
  let lastReason = 'no answer';
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptWithin(wait, attempt, label, report);
    if (outcome.ok) {
      if (attempt > 1) report(`${label} answered (attempt ${attempt})`);
      return outcome.value;
    }
    if (outcome.error !== undefined) {
      lastReason = reasonOf(outcome.error);
      if (!wait.isRetryable(outcome.error)) {
        throw new StoreStartupError(
          `${label} refused the start: ${lastReason}. Check ${wait.setting}.`,
          { cause: outcome.error },
        );
      }
    }
    const remaining = wait.deadline.remainingMs();
    if (remaining <= 0) {
      throw new StoreStartupError(
        `${label} did not answer within ${seconds(wait.deadline.timeoutMs)} ` +
          `(${wait.deadline.setting}), ${attempt} attempt${attempt === 1 ? '' : 's'}; last: ` +
          `${lastReason}. Check ${wait.setting} and that the server runs, or raise ` +
          `${wait.deadline.setting}.`,
        { cause: outcome.error },
      );
    }
    const delay = Math.min(
      RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1],
      remaining,
    );
    report(`Waiting for ${label} (attempt ${attempt}, next in ${seconds(delay)}): ${lastReason}`);
    await sleep(delay);
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error?: unknown };

/** One attempt, cut off at the deadline, with a line for every interval it stays unanswered. */
function attemptWithin<T>(
  wait: StoreWait<T>,
  attempt: number,
  label: string,
  report: (line: string) => void,
): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(heartbeat!);
      clearTimeout(cutOff);
      resolve(outcome);
    };
    let silentMs = FIRST_PROGRESS_MS;
    let heartbeat: NodeJS.Timeout;
    const beat = () => {
      heartbeat = setTimeout(
        () => {
          report(`Waiting for ${label} (attempt ${attempt}, no answer for ${seconds(silentMs)})`);
          silentMs += PROGRESS_INTERVAL_MS;
          beat();
        },
        silentMs === FIRST_PROGRESS_MS ? FIRST_PROGRESS_MS : PROGRESS_INTERVAL_MS,
      );
    };
    beat();
    // The deadline passed with the attempt still out: given up, its late answer discarded.
    const cutOff = setTimeout(() => finish({ ok: false }), wait.deadline.remainingMs());
    let work: Promise<T>;
    try {
      work = wait.attempt();
    } catch (error) {
      return finish({ ok: false, error });
    }
    work.then(
      (value) => {
        if (settled) wait.discard?.(value);
        finish({ ok: true, value });
      },
      (error: unknown) => finish({ ok: false, error }),
    );
  });
}

/** The error's message on one line, without credentials of a URL in it. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .replace(/\/\/[^/@\s]*@/g, '//')
      // "EventStoreDB cannot be reached: …": the line says so already; and gRPC's empty tail.
      .replace(/^[\w ]{3,40} cannot be reached: /, '')
      .replace(/\.?\s*Resolution note:?\s*$/, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[.:]$/, '')
  );
}

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1).replace(/\.0$/, '')} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
