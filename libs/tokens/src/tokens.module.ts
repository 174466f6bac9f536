import { Module } from '@nestjs/common';
import { AdminRevokeTokenController } from './admin-revoke-token/admin-revoke-token.controller';
import { ChangeTokenPolicyController } from './change-token-policy/change-token-policy.controller';
import { ChangeTokenPolicyHandler } from './change-token-policy/change-token-policy.handler';
import { CreateTokenController } from './create-token/create-token.controller';
import { CreateTokenHandler } from './create-token/create-token.handler';
import { GetMyTokenController } from './get-my-token/get-my-token.controller';
import { GetMyTokenHandler } from './get-my-token/get-my-token.handler';
import { GetTokenPolicyController } from './get-token-policy/get-token-policy.controller';
import { GetTokenPolicyHandler } from './get-token-policy/get-token-policy.handler';
import { ListMyTokensController } from './list-my-tokens/list-my-tokens.controller';
import { ListMyTokensHandler } from './list-my-tokens/list-my-tokens.handler';
import { ListUserTokensController } from './list-user-tokens/list-user-tokens.controller';
import { ListUserTokensHandler } from './list-user-tokens/list-user-tokens.handler';
import { RetiredTokenPrefixes } from './retired-prefixes/retired-prefixes';
import { RevokeTokenController } from './revoke-token/revoke-token.controller';
import { RevokeTokenHandler } from './revoke-token/revoke-token.handler';
import { TokenHistoryController } from './token-history/token-history.controller';
import { TokenHistoryHandler } from './token-history/token-history.handler';
import { TokenPolicyReader } from './token-policy-reader';
import { TokenReader } from './token-reader';

@Module({
  controllers: [
    CreateTokenController,
    ListMyTokensController,
    GetMyTokenController,
    RevokeTokenController,
    GetTokenPolicyController,
    ChangeTokenPolicyController,
    ListUserTokensController,
    AdminRevokeTokenController,
    TokenHistoryController,
  ],
  providers: [
    TokenPolicyReader,
    TokenReader,
    CreateTokenHandler,
    RevokeTokenHandler,
    ListMyTokensHandler,
    GetMyTokenHandler,
    GetTokenPolicyHandler,
    ChangeTokenPolicyHandler,
    ListUserTokensHandler,
    TokenHistoryHandler,
    RetiredTokenPrefixes,
  ],
  exports: [TokenPolicyReader, TokenReader, RetiredTokenPrefixes],
})
export class TokensModule {}
