import type { EventStore, Position } from '@pat/event-store';

/** How far the subscription is behind the head of the log. */
export interface ProjectionLag {
  /** Events in the log after the last one applied, counted up to `capped` at most. */
  readonly events: number;
  /** True when there were more than could be counted (`events` is then the cap). */
  readonly capped: boolean;
  /** Seconds since the oldest event not applied yet occurred; 0 when none. */
  readonly seconds: number;
}

export interface ProjectionStatus {
  readonly running: boolean;
  readonly caughtUp: boolean;
  readonly position: Position | null;
  /** Events processed since start. */
  readonly processed: number;
  readonly lastError: string | null;
  /** Appends recorded in the log that the read model does not show yet (retried until it does). */
  readonly unprojected: number;
  /** Streams whose missing events were read back from the log since start. */
  readonly gapsFilled: number;
}

/**
 * Counts what the log holds after the subscription's position (cheap when caught up: one
 * empty read). Positions are opaque (EventStoreDB's are byte offsets), so events are counted,
 * up to `maxCount`. `now` comes from the caller's clock, the one events are stamped with.
 */
export async function measureLag(
  eventStore: EventStore,
  position: Position | null,
  now: Date,
  maxCount: number,
): Promise<ProjectionLag> {
  const behind = await eventStore.readAll({ after: position, maxCount });
  if (behind.length === 0) return { events: 0, capped: false, seconds: 0 };
  const oldest = Date.parse(behind[0].metadata.occurredAt);
  const seconds = Number.isNaN(oldest) ? 0 : Math.max(0, (now.getTime() - oldest) / 1000);
  return { events: behind.length, capped: behind.length >= maxCount, seconds };
}
