import { Module } from '@nestjs/common';
import { IdentityModule } from '@pat/identity';
import { McpTools } from './mcp-tools';
import { McpController } from './mcp.controller';

@Module({
  imports: [IdentityModule],
  controllers: [McpController],
  providers: [McpTools],
})
export class McpModule {}
