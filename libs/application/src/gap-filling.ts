import type { EventStore, Position, RecordedEvent } from '@pat/event-store';
import { ProjectedEvent, ReadModel, StreamGapError } from '@pat/read-model';

/** Gap fills per batch before giving up (a second gap after a fill means a damaged log). */
const MAX_GAP_FILLS = 3;

/** The projection runner's writes to the read model, with the gaps it reports filled from the log. */
export class GapFillingApplier {
  /** Streams whose missing events were read back from the log since start. */
  gapsFilled = 0;

  constructor(
    private readonly readModel: ReadModel,
    private readonly eventStore: EventStore,
    private readonly project: (event: RecordedEvent) => ProjectedEvent,
  ) {}

  /**
   * Applies a batch; when the read model lacks earlier events of some streams, reads those
   * streams from the log and applies them first (the read model skips what it already has).
   */
  async apply(
    events: ProjectedEvent[],
    checkpoint?: { projection: string; position: Position },
  ): Promise<void> {
    for (let fills = 0; ; fills++) {
      try {
        await this.readModel.applyEvents(events, checkpoint);
        return;
      } catch (error) {
        if (!(error instanceof StreamGapError) || fills >= MAX_GAP_FILLS) throw error;
        const streams = await Promise.all(
          // Only the missing events: a usage stream may hold tens of thousands.
          error.gaps.map((gap) =>
            this.eventStore.readStream(gap.streamName, {
              fromRevision: gap.applied + 1,
              maxCount: gap.arrived - gap.applied - 1,
            }),
          ),
        );
        this.gapsFilled += error.gaps.length;
        events = [...streams.flat().map((event) => this.project(event)), ...events];
      }
    }
  }
}
