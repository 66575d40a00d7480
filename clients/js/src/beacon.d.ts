// Types of Beacon's browser SDK (src/beacon.js). Wire shapes follow docs/protocol.md.

/** A session's or user's status; `offline` also stands for "not allowed to know". */
export type Status = 'online' | 'away' | 'busy' | 'offline';
/** What a user sets: `auto` follows activity; `invisible` shows offline to everyone else. */
export type ManualStatus = 'auto' | 'busy' | 'away' | 'invisible';
export type Device = 'web' | 'desktop' | 'mobile' | 'other';
/** Last seen: epoch ms, or a bucket word when the user shares only an approximation. */
export type LastSeen = number | 'recently' | 'within_week' | 'within_month' | 'long_ago';

export interface CustomStatus {
  text: string;
  emoji?: string;
  /** epoch ms */
  expires_at?: number;
}

/** A user's presence as this viewer may see it. Newer versions replace older ones. */
export interface Presence {
  user_id: string;
  status: Status;
  activity?: string;
  custom_status?: CustomStatus;
  last_seen?: LastSeen;
  devices?: { device: Device; status: Status }[];
  /** Grows with every change; 0 for a user the server does not know (or you may not see). */
  version: number;
}

export interface RoomSessionInfo {
  session_id: string;
  device: Device;
  /** The session's meta (cursor, mode…): any JSON object up to 1 KiB. */
  meta: Record<string, unknown>;
  /** epoch ms */
  joined_at: number;
}

/** One user in a room, with every session of theirs there. */
export interface RoomMember {
  user_id: string;
  sessions: RoomSessionInfo[];
}

export interface RoomChange {
  room: string;
  /** true when the whole list was replaced (a join, a resync) */
  snapshot: boolean;
  joins: RoomMember[];
  /** user ids */
  leaves: string[];
  updates: RoomMember[];
}

export interface Signal {
  room: string;
  user_id: string;
  kind: string;
  data?: unknown;
}

export interface Welcome {
  sessionId: string;
  userId: string;
  heartbeatIntervalMs: number;
  sessionTtlMs: number;
  transport: 'websocket' | 'sse';
  /** on a 'welcome' event: whether the session was resumed (nobody saw a leave) */
  resumed?: boolean;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A failure with the protocol's error code (or the SDK's own: timeout, closed, disconnected). */
export declare class BeaconError extends Error {
  readonly code:
    | 'bad_request' | 'unauthorized' | 'token_expired' | 'forbidden' | 'not_found' | 'rate_limited'
    | 'too_large' | 'unsupported' | 'internal' | 'timeout' | 'closed' | 'disconnected' | string;
  constructor(code: string, message?: string);
}

export interface IdleOptions {
  /** idle after this long without input (default 60 000 ms) */
  afterMs?: number;
  /** idle this long after the page is hidden (default 10 000 ms) */
  hiddenAfterMs?: number;
  /** while input goes on, "active" is reported again this often (default 30 000 ms) */
  refreshMs?: number;
}

export interface BeaconOptions {
  /** ws:// or wss:// URL of the server's /v1/connect */
  url: string;
  /** a client JWT, or a function that gets one (called again when the token expires) */
  token: string | (() => string | Promise<string>);
  /** default 'web' */
  device?: Device;
  /** 'auto' (default: WebSocket, SSE if it cannot connect), 'websocket' or 'sse' */
  transport?: 'auto' | 'websocket' | 'sse';
  /** share one connection between the tabs of a browser profile (default true, via SharedWorker) */
  shareTabs?: boolean;
  /** where beacon-worker.js is served (default: beside beacon.js); null: never use a worker. A worker
   *  that cannot start (script missing, refused by a content security policy) is replaced by a
   *  connection of the page itself */
  workerUrl?: string | URL | null;
  /** idle detection from input and page visibility (default on); false turns it off: the session is
   *  then active for as long as it is connected */
  idle?: IdleOptions | false;
  /** while the session is active, 'active' is sent again this often so the server does not turn it
   *  idle after its idle_after (default 60 000 ms; keep it below the server's idle_after, 5 min) */
  activityRefreshMs?: number;
  /** reconnect backoff: first delay and cap (default 500 / 15 000 ms, with jitter) */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** a hello without welcome after this long is given up and tried again (default 10 000 ms) */
  connectTimeoutMs?: number;
  /** a request without answer after this long fails with 'timeout' (default 20 000 ms) */
  requestTimeoutMs?: number;
  /** failed WebSocket attempts before 'auto' switches to SSE (default 2) */
  sseAfterFailures?: number;
  /** Room.typing() sends at most one signal this often (default 2 500 ms) */
  typingIntervalMs?: number;
}

type Unsubscribe = () => void;

export declare class Room {
  readonly id: string;
  /** the members this session is shown, in join order (the first page of a large room) */
  readonly members: RoomMember[];
  /** members in the room as this viewer may see them */
  readonly count: number;
  /** more members than the server's room_large_threshold: members is the first page, diffs come at most once a second */
  readonly large: boolean;
  readonly version: number;
  /** user ids typing now */
  readonly typingUsers: string[];
  readonly left: boolean;
  member(userId: string): RoomMember | undefined;
  on(event: 'change', listener: (change: RoomChange) => void): Unsubscribe;
  on(event: 'signal', listener: (signal: Signal) => void): Unsubscribe;
  on(event: 'typing', listener: (userIds: string[]) => void): Unsubscribe;
  /** the server took the room away (e.g. a new token no longer allows it) */
  on(event: 'closed', listener: (why: { room: string; code: string; message: string }) => void): Unsubscribe;
  off(event: string, listener: (...args: any[]) => void): void;
  /** replaces this session's meta (coalesced by the server, latest wins, at most one every 50 ms reaches the room) */
  setMeta(meta: Record<string, unknown> | null): Promise<void>;
  /** an ephemeral message to the others: 'typing', 'read' ({marker}), or your own kind */
  signal(kind: string, data?: unknown): Promise<void>;
  /** call on every keystroke: sends 'typing' at most every typingIntervalMs */
  typing(): Promise<void>;
  stopTyping(): Promise<void>;
  leave(): Promise<void>;
}

export declare class Beacon {
  constructor(options: BeaconOptions);
  readonly options: Required<Omit<BeaconOptions, 'token' | 'workerUrl'>> & { token: string; workerUrl?: string | URL | null };
  /** the newest presence of each user subscribed to (or queried) */
  readonly presence: ReadonlyMap<string, Presence>;
  readonly rooms: ReadonlyMap<string, Room>;
  readonly state: ConnectionState;
  readonly sessionId: string | null;
  readonly userId: string | null;

  connect(): Promise<Welcome>;
  on(event: 'presence', listener: (presence: Presence) => void): Unsubscribe;
  on(event: 'state', listener: (state: ConnectionState) => void): Unsubscribe;
  on(event: 'welcome', listener: (welcome: Welcome) => void): Unsubscribe;
  on(event: 'error', listener: (error: { code: string; message: string }) => void): Unsubscribe;
  /** the connection ended for good: closed, disconnected by the server (4005), or a token refused */
  on(event: 'closed', listener: (why: { code: string; message: string; closeCode: number }) => void): Unsubscribe;
  on(event: 'token_needed', listener: (reason: 'token_expired' | 'unauthorized') => void): Unsubscribe;
  off(event: string, listener: (...args: any[]) => void): void;

  /** resolves with the users' presence now; updates arrive as 'presence' events */
  subscribe(userIds: string[]): Promise<Presence[]>;
  unsubscribe(userIds: string[]): Promise<void>;
  /** one read, without subscribing */
  query(userIds: string[]): Promise<Presence[]>;

  setStatus(status: ManualStatus): Promise<void>;
  setActivity(activity: string | null, options?: { expiresAt?: number | Date }): Promise<void>;
  setCustomStatus(status: { text: string; emoji?: string; expiresAt?: number | Date }): Promise<void>;
  clearCustomStatus(): Promise<void>;

  join(room: string, meta?: Record<string, unknown>): Promise<Room>;
  room(id: string): Room | undefined;
  setToken(token: string): Promise<void>;
  close(): void;
}

export declare const DEFAULTS: Readonly<Required<Omit<BeaconOptions, 'url' | 'token' | 'workerUrl'>>>;

/** Input and visibility watcher used by Beacon (exported for apps that want the same rule). */
export declare class IdleDetector {
  constructor(options: IdleOptions & { afterMs: number; hiddenAfterMs: number }, report: (state: 'active' | 'idle') => void);
  readonly state: 'active' | 'idle';
  start(): void;
  stop(): void;
}
