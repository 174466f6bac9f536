import { ApiProperty } from '@nestjs/swagger';

export class RecordedEventView {
  @ApiProperty({ description: 'Opaque position in the global log', example: '42' })
  position!: string;
  @ApiProperty({ example: 'token-8a4b6c2d-1e3f-4a5b-9c7d-0e1f2a3b4c5d' }) streamName!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) revision!: number;
  @ApiProperty({ example: 'TokenCreated' }) type!: string;
  @ApiProperty({ type: Object }) data!: unknown;
  @ApiProperty({ type: Object, description: 'occurredAt, actor, requestId, schemaVersion' })
  metadata!: unknown;
}

export class TokenHistoryView {
  @ApiProperty({ format: 'uuid', example: '8a4b6c2d-1e3f-4a5b-9c7d-0e1f2a3b4c5d' })
  tokenId!: string;
  @ApiProperty({ type: [RecordedEventView] }) events!: RecordedEventView[];
}
