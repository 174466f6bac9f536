import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { IdentityModule } from '@pat/identity';
import { McpTools } from './mcp-tools';
import { McpController } from './mcp.controller';
import { NoOAuthController, registrationWithoutToken } from './no-oauth.controller';

@Module({
  imports: [IdentityModule],
  controllers: [McpController, NoOAuthController],
  providers: [McpTools],
})
export class McpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(registrationWithoutToken)
      .forRoutes({ path: 'register', method: RequestMethod.POST });
  }
}
