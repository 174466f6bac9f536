import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  EventStore,
  EventStoreUnavailableError,
  RecordedEvent,
} from '@pat/event-store';
import { invalid } from '@pat/shared';
import { tokenStream, tokenUsageStream } from '@pat/tokens';
import type { TimedEvent } from '@pat/tokens';

const PAGE = 1000;

export interface EventFilter {
  readonly types?: readonly string[];
  readonly userId?: string;
  readonly tokenId?: string;
}

export interface EventPage {
  readonly events: RecordedEvent[];
  /** Pass as `after` for the next page; null when the end of the log was reached. */
  readonly next: string | null;
}

export function matches(event: RecordedEvent, filter: EventFilter): boolean {
  if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (
    filter.tokenId &&
    event.streamName !== tokenStream(filter.tokenId) &&
    event.streamName !== tokenUsageStream(filter.tokenId)
  ) {
    return false;
  }
  if (filter.userId) {
    const aboutUser =
      event.streamName === `user-${filter.userId}` ||
      (event.data as { userId?: unknown } | null)?.userId === filter.userId;
    if (!aboutUser) return false;
  }
  return true;
}

/** The event log as auditors read it: in order, filtered, paged by position. */
@Injectable()
export class AuditLog {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  /**
   * Up to `limit` matching events after the cursor. At most `scanLimit` events are examined per
   * call, so a rare filter over a long log answers quickly with a cursor to continue from.
   */
  async page(
    after: string | null,
    limit: number,
    filter: EventFilter,
    scanLimit = 10_000,
  ): Promise<EventPage> {
    const found: RecordedEvent[] = [];
    let cursor = after;
    let scanned = 0;
    for (;;) {
      const wanted = Math.min(PAGE, scanLimit - scanned);
      const batch = await this.read(cursor, wanted);
      for (const event of batch) {
        cursor = event.position;
        scanned += 1;
        if (matches(event, filter)) found.push(event);
        if (found.length === limit) return { events: found, next: cursor };
      }
      if (batch.length < wanted) return { events: found, next: null };
      if (scanned >= scanLimit) return { events: found, next: cursor };
    }
  }

  /** Every event of the log, in order, with the instant it occurred. */
  async *timedEvents(filter: EventFilter = {}): AsyncGenerator<TimedEvent> {
    let cursor: string | null = null;
    for (;;) {
      const batch = await this.read(cursor, PAGE);
      for (const event of batch) {
        cursor = event.position;
        if (matches(event, filter)) yield timed(event);
      }
      if (batch.length < PAGE) return;
    }
  }

  async streams(...names: string[]): Promise<TimedEvent[]> {
    const all = await Promise.all(names.map((name) => this.eventStore.readStream(name)));
    return all
      .flat()
      .sort((a, b) => this.eventStore.comparePositions(a.position, b.position))
      .map(timed);
  }

  private async read(after: string | null, maxCount: number): Promise<RecordedEvent[]> {
    try {
      return await this.eventStore.readAll({ after, maxCount });
    } catch (error) {
      if (error instanceof EventStoreUnavailableError) throw error;
      // The only caller-controlled input here is the cursor.
      throw invalid('after', 'after must be a position returned by this API');
    }
  }
}

export const timed = (event: RecordedEvent): TimedEvent => ({
  streamName: event.streamName,
  type: event.type,
  data: event.data,
  occurredAt: event.metadata.occurredAt,
});
