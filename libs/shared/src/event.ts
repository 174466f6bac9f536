/**
 * The envelope every domain event travels in (docs/design/contract.md §5). Domain functions produce
 * `DomainEvent`s; the application layer adds metadata when appending.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export type ActorVia = 'session' | 'token' | 'cli' | 'system';

export interface Actor {
  readonly userId: string | null;
  readonly via: ActorVia;
  readonly tokenId?: string;
}

export interface EventMetadata {
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly schemaVersion: number;
}

export const SYSTEM_ACTOR: Actor = { userId: null, via: 'system' };

/** Who asked for a command and under which request; every command carries one. */
export interface CommandContext {
  readonly actor: Actor;
  readonly requestId: string | null;
}

export const systemContext = (requestId: string | null = null): CommandContext => ({
  actor: SYSTEM_ACTOR,
  requestId,
});

/**
 * A recorded event as one of a context's event types, or null when its type is none of them:
 * the one place per context where stored data becomes a typed event (the log holds what these
 * types wrote; upcasting, if a shape ever changes, goes here too).
 */
export function eventOfTypes<Event extends DomainEvent>(
  types: ReadonlySet<string>,
  recorded: { readonly type: string; readonly data: unknown },
): Event | null {
  return types.has(recorded.type) ? (recorded as unknown as Event) : null;
}
