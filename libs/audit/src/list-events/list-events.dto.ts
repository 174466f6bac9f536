import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListEventsDto {
  @ApiPropertyOptional({ description: 'Cursor: the `next` of the previous page' })
  @IsOptional()
  @IsString({ message: 'after must be a string' })
  @MaxLength(100, { message: 'after must be a position returned by this API' })
  after?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number from 1 to 1000' })
  @Min(1, { message: 'limit must be a whole number from 1 to 1000' })
  @Max(1000, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: number;

  @ApiPropertyOptional({
    description: 'Event types, comma-separated',
    example: 'TokenRevoked,TokenRejected',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]+(,[A-Za-z]+)*$/, {
    message: 'type must be event type names, comma-separated',
  })
  type?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events about this user' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events of this token' })
  @IsOptional()
  @IsUUID('all', { message: 'tokenId must be a UUID' })
  tokenId?: string;
}
