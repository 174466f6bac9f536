import { Query } from '@nestjs/cqrs';
import type { TokenPolicyView } from '../token-policy-view';

export class GetTokenPolicyQuery extends Query<TokenPolicyView> {}
