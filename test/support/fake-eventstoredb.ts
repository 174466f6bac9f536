/**
 * An in-memory stand-in for EventStoreDB's gRPC Streams service (Read and Append only), served
 * with the protobuf service definition generated inside `@eventstore/db-client`, so the REAL
 * client talks to it over real gRPC/HTTP/2.
 *
 * It is NOT EventStoreDB and NOT a substitute for testing against the real server. It exists
 * because EventStoreDB cannot run on the CI machine, and it exercises only the adapter's wiring:
 * protobuf conversion, expected revisions, $all ordering and paging, subscription catch-up and
 * live delivery, back-pressure (HTTP/2 flow control: it waits for 'drain' like a real server
 * stops sending to a slow reader), stop, and resubscription after a dropped connection.
 * Everything else is left out: ACLs and credentials, TLS, gossip and clusters, deletes and
 * tombstones, batch appends, persistent subscriptions, projections, link events, $-stream
 * metadata, real log positions (here: a counter stepping by 137, commit = prepare).
 *
 * Its read semantics are a model of the server's, as the adapter assumes them (see the comments
 * in libs/event-store/src/eventstoredb): forwards reads of $all include the start position,
 * backwards reads exclude it, and subscriptions start strictly after their position. A change
 * in EventStoreDB's behaviour would not show up here: run test/contract/
 * event-store.eventstoredb.contract-spec.ts against a real server (EVENTSTORE_CONNECTION_STRING,
 * e.g. the eventstoredb service of docker-compose.yml) for that.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import * as pb from '@eventstore/db-client/generated/streams_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';

export interface FakeEventStoreDbOptions {
  /** Send `caughtUp` when a subscription goes live, as servers from 23.10 on do. Default true. */
  readonly sendCaughtUp?: boolean;
  /** Send a filtered subscription a checkpoint every this many events looked at; 0: never. */
  readonly checkpointEvery?: number;
  /** Send a checkpoint at the next log position when a subscription goes live (older servers). */
  readonly transitionCheckpoint?: boolean;
}

interface StoredEvent {
  readonly stream: string;
  readonly type: string;
  readonly data: Buffer;
  readonly metadata: Buffer;
  readonly contentType: string;
  readonly id: string;
  readonly revision: bigint;
  readonly position: bigint;
}

interface AllPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

type ReadCall = grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>;
type AppendCall = grpc.ServerReadableStream<pb.AppendReq, pb.AppendResp>;
type Listener = (event: StoredEvent) => void;

const FIRST_POSITION = 1000n;
const POSITION_STEP = 137n;
/** .NET ticks of 2022-09-27, as the real server writes `created` (the value is never checked). */
const CREATED_TICKS = '638000000000000000';

/**
 * What one subscription call still has to send. Messages are written while the call's stream
 * accepts them and held here once it reports back-pressure, until it drains: a reader that stops
 * reading makes this queue grow instead of the HTTP/2 stream's buffer.
 */
class Outbox {
  private readonly queue: pb.ReadResp[] = [];
  private waitingForDrain = false;
  private closed = false;

  constructor(private readonly call: ReadCall) {
    call.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  get backPressured(): boolean {
    return this.waitingForDrain;
  }

  send(message: pb.ReadResp): void {
    if (this.closed) return;
    this.queue.push(message);
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private flush(): void {
    while (!this.closed && !this.waitingForDrain && this.queue.length > 0) {
      const message = this.queue.shift()!;
      if (!this.call.write(message)) this.waitingForDrain = true;
    }
  }
}

interface OpenSubscription {
  readonly call: ReadCall;
  readonly outbox: Outbox;
  readonly close: () => void;
}

export class FakeEventStoreDb {
  /** Subscriptions made so far (each resubscription counts). */
  subscribeCalls = 0;

  private readonly sendCaughtUp: boolean;
  private readonly checkpointEvery: number;
  private readonly transitionCheckpoint: boolean;
  private readonly log: StoredEvent[] = [];
  private readonly lastRevisions = new Map<string, bigint>();
  private nextPosition = FIRST_POSITION;
  private readonly listeners = new Set<Listener>();
  private readonly subscriptions = new Set<OpenSubscription>();
  private server: grpc.Server | null = null;
  private stopping: Promise<void> | null = null;

  constructor(options: FakeEventStoreDbOptions = {}) {
    this.sendCaughtUp = options.sendCaughtUp ?? true;
    this.checkpointEvery = options.checkpointEvery ?? 0;
    this.transitionCheckpoint = options.transitionCheckpoint ?? false;
    // System noise, as a real server has from its first start.
    this.writeSystemEvent('$settings', '$settings');
    this.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
  }

  /** Starts listening on a free local port; resolves to the connection string for the client. */
  async start(): Promise<string> {
    if (this.server) throw new Error('The fake EventStoreDB is already started');
    const server = new grpc.Server();
    const implementation: Pick<IStreamsServer, 'read' | 'append'> = {
      read: (call) => this.read(call),
      append: (call, callback) => this.append(call, callback),
    };
    // Delete, Tombstone and BatchAppend are left out: grpc-js answers them UNIMPLEMENTED.
    server.addService(StreamsService, implementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.server = server;
    return `esdb://127.0.0.1:${port}?tls=false`;
  }

  /**
   * Ends every open subscription and shuts the server down, waiting up to `graceMs` for clients
   * to finish their calls before cutting them off. Safe to call more than once.
   */
  stop(graceMs = 2000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  /** Appends an event to a system stream directly, as the server's own writes ($stats, …) do. */
  writeSystemEvent(stream: string, type: string): void {
    this.record(stream, type, Buffer.from('{}'), Buffer.alloc(0), 'application/json', randomUUID());
  }

  /** Drops every open subscription with UNAVAILABLE, as a lost connection does. */
  dropSubscriptions(): void {
    this.endSubscriptions('Subscription dropped by the test');
  }

  /** Subscription calls the server is still serving. */
  get openSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Messages held back from subscribers that are not reading (back-pressure). */
  get pendingMessages(): number {
    let pending = 0;
    for (const subscription of this.subscriptions) pending += subscription.outbox.pending;
    return pending;
  }

  /** Whether some subscription's stream refused more data and the server waits for it to drain. */
  get backPressured(): boolean {
    return [...this.subscriptions].some((subscription) => subscription.outbox.backPressured);
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.endSubscriptions('Server shutting down');
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private endSubscriptions(details: string): void {
    for (const subscription of [...this.subscriptions]) {
      subscription.close();
      const error: Partial<grpc.StatusObject> = {
        code: grpc.status.UNAVAILABLE,
        details,
        metadata: new grpc.Metadata(),
      };
      subscription.call.emit('error', error);
    }
  }

  private record(
    stream: string,
    type: string,
    data: Buffer,
    metadata: Buffer,
    contentType: string,
    id: string,
  ): StoredEvent {
    const previous = this.lastRevisions.get(stream);
    const event: StoredEvent = {
      stream,
      type,
      data,
      metadata,
      contentType,
      id,
      revision: previous === undefined ? 0n : previous + 1n,
      position: this.nextPosition,
    };
    this.nextPosition += POSITION_STEP;
    this.lastRevisions.set(stream, event.revision);
    this.log.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  private read(call: ReadCall): void {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'Read without options' });
      return;
    }
    if (options.hasStream()) return this.readStream(call, options);
    if (options.hasSubscription()) return this.subscribeToAll(call, options);
    return this.readAll(call, options);
  }

  private readStream(call: ReadCall, options: pb.ReadReq.Options): void {
    const streamOptions = options.getStream()!;
    const identifier = streamOptions.getStreamIdentifier()!;
    const name = Buffer.from(identifier.getStreamName_asU8()).toString();
    const backwards = options.getReadDirection() === pb.ReadReq.Options.ReadDirection.BACKWARDS;
    let events = this.log.filter((event) => event.stream === name);
    if (events.length === 0) {
      const notFound = new pb.ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(identifier);
      const response = new pb.ReadResp();
      response.setStreamNotFound(notFound);
      call.write(response);
      call.end();
      return;
    }
    if (backwards) events = events.reverse();
    if (streamOptions.hasRevision()) {
      const from = BigInt(streamOptions.getRevision());
      events = events.filter((event) =>
        backwards ? event.revision <= from : event.revision >= from,
      );
    }
    for (const event of events.slice(0, readCount(options))) call.write(toReadResp(event));
    call.end();
  }

  private readAll(call: ReadCall, options: pb.ReadReq.Options): void {
    const allOptions = options.getAll()!;
    const backwards = options.getReadDirection() === pb.ReadReq.Options.ReadDirection.BACKWARDS;
    const from = allPosition(allOptions);
    let events = backwards ? [...this.log].reverse() : this.log;
    if (allOptions.hasEnd() && !backwards) events = [];
    else if (from) {
      events = events.filter((event) =>
        backwards ? comparePosition(event, from) < 0 : comparePosition(event, from) >= 0,
      );
    }
    for (const event of events.slice(0, readCount(options))) call.write(toReadResp(event));
    call.end();
  }

  private subscribeToAll(call: ReadCall, options: pb.ReadReq.Options): void {
    this.subscribeCalls += 1;
    const allOptions = options.getAll();
    if (!allOptions) {
      call.emit('error', {
        code: grpc.status.UNIMPLEMENTED,
        details: 'The fake serves subscriptions to $all only',
      });
      return;
    }
    const matches = eventFilter(options);
    const outbox = new Outbox(call);

    const confirmation = new pb.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(`sub-${this.subscribeCalls}`);
    const confirmed = new pb.ReadResp();
    confirmed.setConfirmation(confirmation);
    outbox.send(confirmed);

    const from = allPosition(allOptions);
    let history: StoredEvent[] = this.log;
    if (allOptions.hasEnd()) history = [];
    else if (from) history = history.filter((event) => comparePosition(event, from) > 0);
    let considered = 0;
    for (const event of history) {
      considered += 1;
      if (matches(event)) outbox.send(toReadResp(event));
      if (this.checkpointEvery > 0 && considered % this.checkpointEvery === 0) {
        outbox.send(checkpointAt(event.position));
      }
    }
    if (this.transitionCheckpoint) outbox.send(checkpointAt(this.nextPosition));
    if (this.sendCaughtUp) {
      const caughtUp = new pb.ReadResp();
      caughtUp.setCaughtUp(new pb.ReadResp.CaughtUp());
      outbox.send(caughtUp);
    }

    const listener: Listener = (event) => {
      if (matches(event)) outbox.send(toReadResp(event));
    };
    this.listeners.add(listener);
    const subscription: OpenSubscription = {
      call,
      outbox,
      close: () => {
        outbox.close();
        this.listeners.delete(listener);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    call.on('cancelled', subscription.close);
    call.on('close', subscription.close);
    call.on('finish', subscription.close);
  }

  private append(call: AppendCall, callback: grpc.sendUnaryData<pb.AppendResp>): void {
    const messages: pb.AppendReq[] = [];
    call.on('data', (message: pb.AppendReq) => messages.push(message));
    call.on('end', () => {
      const options = messages[0]?.getOptions();
      if (!options) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Append without options' });
        return;
      }
      const name = Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString();
      const last = this.lastRevisions.get(name) ?? null;
      const expected =
        options.hasAny() ||
        (options.hasNoStream() && last === null) ||
        (options.hasStreamExists() && last !== null) ||
        (options.hasRevision() && last !== null && BigInt(options.getRevision()) === last);
      const response = new pb.AppendResp();
      if (!expected) {
        const wrong = new pb.AppendResp.WrongExpectedVersion();
        if (last === null) wrong.setCurrentNoStream(new shared.Empty());
        else wrong.setCurrentRevision(last.toString());
        if (options.hasRevision()) wrong.setExpectedRevision(options.getRevision());
        else if (options.hasNoStream()) wrong.setExpectedNoStream(new shared.Empty());
        else if (options.hasStreamExists()) wrong.setExpectedStreamExists(new shared.Empty());
        response.setWrongExpectedVersion(wrong);
        callback(null, response);
        return;
      }
      const proposed = messages.slice(1).flatMap((message) => {
        const event = message.getProposedMessage();
        return event ? [event] : [];
      });
      if (proposed.length === 0) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Append without events' });
        return;
      }
      let recorded: StoredEvent | undefined;
      for (const event of proposed) {
        const metadata = event.getMetadataMap();
        recorded = this.record(
          name,
          metadata.get('type') ?? '',
          Buffer.from(event.getData_asU8()),
          Buffer.from(event.getCustomMetadata_asU8()),
          metadata.get('content-type') ?? 'application/octet-stream',
          event.getId()?.getString() ?? randomUUID(),
        );
      }
      // A system event between appends, like $stats or metadata writes on a real server.
      this.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
      const position = new pb.AppendResp.Position();
      position.setCommitPosition(recorded!.position.toString());
      position.setPreparePosition(recorded!.position.toString());
      const success = new pb.AppendResp.Success();
      success.setCurrentRevision(recorded!.revision.toString());
      success.setPosition(position);
      response.setSuccess(success);
      callback(null, response);
    });
  }
}

function readCount(options: pb.ReadReq.Options): number {
  return options.hasCount() ? Number(options.getCount()) : Number.POSITIVE_INFINITY;
}

function allPosition(options: pb.ReadReq.Options.AllOptions): AllPosition | null {
  const position = options.hasPosition() ? options.getPosition() : undefined;
  if (!position) return null;
  return {
    commit: BigInt(position.getCommitPosition()),
    prepare: BigInt(position.getPreparePosition()),
  };
}

/** $all order: commit position, then prepare position (equal here for every event). */
function comparePosition(event: StoredEvent, position: AllPosition): number {
  if (event.position !== position.commit) return event.position < position.commit ? -1 : 1;
  if (event.position !== position.prepare) return event.position < position.prepare ? -1 : 1;
  return 0;
}

/** A subscription's server-side filter: stream name or event type, by prefixes or a regex. */
function eventFilter(options: pb.ReadReq.Options): (event: StoredEvent) => boolean {
  const filter = options.hasFilter() ? options.getFilter() : undefined;
  if (!filter) return () => true;
  const byStream = filter.hasStreamIdentifier();
  const expression = byStream ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) return () => true;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : null;
  return (event) => {
    const subject = byStream ? event.stream : event.type;
    if (regex) return regex.test(subject);
    return prefixes.some((prefix) => subject.startsWith(prefix));
  };
}

function checkpointAt(position: bigint): pb.ReadResp {
  const checkpoint = new pb.ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.toString());
  checkpoint.setPreparePosition(position.toString());
  const response = new pb.ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}

function toReadResp(event: StoredEvent): pb.ReadResp {
  const recorded = new pb.ReadResp.ReadEvent.RecordedEvent();
  const id = new shared.UUID();
  id.setString(event.id);
  recorded.setId(id);
  const stream = new shared.StreamIdentifier();
  stream.setStreamName(Uint8Array.from(Buffer.from(event.stream)));
  recorded.setStreamIdentifier(stream);
  recorded.setStreamRevision(event.revision.toString());
  recorded.setCommitPosition(event.position.toString());
  recorded.setPreparePosition(event.position.toString());
  recorded.getMetadataMap().set('type', event.type);
  recorded.getMetadataMap().set('content-type', event.contentType);
  recorded.getMetadataMap().set('created', CREATED_TICKS);
  recorded.setData(Uint8Array.from(event.data));
  recorded.setCustomMetadata(Uint8Array.from(event.metadata));
  const read = new pb.ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(event.position.toString());
  const response = new pb.ReadResp();
  response.setEvent(read);
  return response;
}
