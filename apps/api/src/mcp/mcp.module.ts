import { Module } from '@nestjs/common';
import { IdentityModule } from '@pat/identity';
import { McpTools } from './mcp-tools';
import { McpController } from './mcp.controller';
import { NoOAuthController } from './no-oauth.controller';

@Module({
  imports: [IdentityModule],
  controllers: [McpController, NoOAuthController],
  providers: [McpTools],
})
export class McpModule {}
