import { ApiProperty } from '@nestjs/swagger';
import { RecordedEventView } from '@pat/tokens';

export class EventPageView {
  @ApiProperty({ type: [RecordedEventView] }) events!: RecordedEventView[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Cursor for the next page (pass as `after`); null at the end of the log',
  })
  next!: string | null;
}
