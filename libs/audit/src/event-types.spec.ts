import { DomainError } from '@pat/shared';
import { EVENT_TYPES, parseEventTypes } from './event-types';

describe('parseEventTypes', () => {
  it('accepts known types, comma-separated, spaces around them allowed', () => {
    expect(parseEventTypes('TokenRevoked, TokenRejected')).toEqual([
      'TokenRevoked',
      'TokenRejected',
    ]);
  });

  it('refuses every unknown one at once, naming the field and the known types', () => {
    let error: unknown;
    try {
      parseEventTypes('TokenRevokd,UserCreated,tokencreated', '--type');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'invalid', field: '--type' });
    expect((error as Error).message).toBe(
      `--type names unknown event type(s) "TokenRevokd", "tokencreated"; known types: ${EVENT_TYPES.join(', ')}`,
    );
  });

  it('knows the types the audit record is made of (docs/design/contract.md §5)', () => {
    for (const type of [
      'TokenCreated',
      'TokenRevoked',
      'UserDeleted',
      'MemberRemoved',
      'TokenPolicyChanged',
    ]) {
      expect(EVENT_TYPES).toContain(type);
    }
  });
});
