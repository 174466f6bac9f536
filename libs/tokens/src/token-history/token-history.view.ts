import { ApiProperty } from '@nestjs/swagger';

export class RecordedEventView {
  @ApiProperty({ description: 'Opaque position in the global log' }) position!: string;
  @ApiProperty() streamName!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'TokenCreated' }) type!: string;
  @ApiProperty({ type: Object }) data!: unknown;
  @ApiProperty({ type: Object, description: 'occurredAt, actor, requestId, schemaVersion' })
  metadata!: unknown;
}

export class TokenHistoryView {
  @ApiProperty({ format: 'uuid' }) tokenId!: string;
  @ApiProperty({ type: [RecordedEventView] }) events!: RecordedEventView[];
}
