import type {
  ProjectEvent,
  ProjectNameEvent,
  UserEvent,
  UsernameEvent,
} from '@pat/identity/domain';
import { invalid } from '@pat/shared';
import type { TokenEvent, TokenPolicyEvent } from '@pat/tokens/domain';

type RecordedType = (
  TokenEvent | TokenPolicyEvent | UserEvent | UsernameEvent | ProjectEvent | ProjectNameEvent
)['type'];

// A Record over the union: an event type added to a domain without being listed here fails the
// type check, so the list a filter is checked against never falls behind the domains.
const LISTED: Record<RecordedType, true> = {
  TokenCreated: true,
  TokenRevoked: true,
  TokenUsed: true,
  TokenRejected: true,
  TokenPolicyChanged: true,
  UserCreated: true,
  UserUpdated: true,
  UserDeleted: true,
  UsernameReserved: true,
  UsernameReleased: true,
  ProjectCreated: true,
  ProjectRenamed: true,
  ProjectNameReserved: true,
  ProjectNameReleased: true,
  MemberAdded: true,
  MemberRoleChanged: true,
  MemberRemoved: true,
};

/** Every event type the log can hold, for filters (the audit API, the CLI's export). */
export const EVENT_TYPES: readonly string[] = Object.keys(LISTED);

/**
 * A comma-separated list of event types, each one the log can hold: a typo would otherwise
 * filter everything out and look like an empty log. Throws a 400 naming the known types.
 */
export function parseEventTypes(text: string, field = 'type'): string[] {
  const types = text.split(',').map((type) => type.trim());
  const unknown = types.filter((type) => !Object.hasOwn(LISTED, type));
  if (unknown.length > 0) {
    throw invalid(
      field,
      `${field} names unknown event type(s) ${unknown.map((t) => JSON.stringify(t)).join(', ')}; ` +
        `known types: ${EVENT_TYPES.join(', ')}`,
    );
  }
  return types;
}
