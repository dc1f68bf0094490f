import type { CellRunner } from "../execute/cellRunner.js";
import type { HistoryStore } from "../history/historyStore.js";
import type { StreamCapture } from "../io/streamCapture.js";
import type { Message, JsonObject } from "../wire/messages.js";
import type { RequestChannel } from "../wire/transport.js";
import type { InputBroker } from "./inputBroker.js";
import type { JobPresenter } from "../jobs/jobPresenter.js";
import type { Outbox } from "./outbox.js";
import type { OutputContext } from "./outputContext.js";
import type { InterruptLine } from "../wire/interruptLine.js";
import type { AbortedReply, ErrorReply, IopubContents, IopubType, Replies, Requests, RequestType } from "../wire/protocol.js";

/** Everything a request handler may use; handlers never touch sockets. */
export interface KernelServices {
  outbox: Outbox;
  runner: CellRunner;
  history: HistoryStore;
  outputs: OutputContext;
  streams: StreamCapture;
  input: InputBroker;
  /** `active`: execute requests being served now; `since`: the interrupt count when the latest arrived. */
  execution: { count: number; active: number; since: number };
  /** Called on interrupt (SIGINT) in addition to cancelling a pending await, e.g. to stop a query. */
  interruptHooks: Set<() => void>;
  /** Interrupts counted with the control worker; an execute request settles them when it ends. */
  interrupts: InterruptLine;
  /** Streaming jobs started from cells, shown in the cells that started them. */
  jobs: JobPresenter;
  /** Pager payloads collected while the current execute_request runs. */
  payloads: JsonObject[];
  shutdown(restart: boolean): Promise<void>;
}

/** Publishes on iopub with this request as parent: the content is the one its msg_type has. */
export type Publish = <T extends IopubType>(msgType: T, content: IopubContents[T], metadata?: JsonObject) => Promise<void>;

export interface RequestContext<K extends RequestType = RequestType> {
  channel: RequestChannel;
  msg: Message<Requests[K]>;
  services: KernelServices;
  publish: Publish;
}

export interface Reply<K extends RequestType = RequestType> {
  content: Replies[K] | ErrorReply | AbortedReply;
  metadata?: JsonObject;
  /** An execute error under stop_on_error: the execute requests already queued are aborted. */
  abortQueued?: boolean;
  /** Called after the reply and the idle status went out (used by shutdown). */
  after?: () => Promise<void>;
}

/** A request as the dispatcher has it, before its content is decoded for its handler. */
export interface RawRequest {
  channel: RequestChannel;
  msg: Message;
  services: KernelServices;
  publish: Publish;
}

export type Handler<K extends RequestType> = (ctx: RequestContext<K>) => Promise<Reply<K>>;
