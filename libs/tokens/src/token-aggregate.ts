import type { Aggregate } from '@pat/application';
import { TokenEvent, TokenState, evolveToken, initialTokenState } from './domain/token';
import {
  DEFAULT_TOKEN_POLICY,
  TokenPolicy,
  TokenPolicyEvent,
  evolveTokenPolicy,
} from './domain/token-policy';

export const tokenAggregate: Aggregate<TokenState, TokenEvent> = {
  initialState: initialTokenState,
  evolve: evolveToken,
};

export const tokenPolicyAggregate: Aggregate<TokenPolicy, TokenPolicyEvent> = {
  initialState: DEFAULT_TOKEN_POLICY,
  evolve: evolveTokenPolicy,
};
