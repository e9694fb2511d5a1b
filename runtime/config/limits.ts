/**
 * Every limit Earshot enforces on what clients (and whoever can write to Redis) may do, in one
 * place, each with the error or close code it ends in. The README's limits table and
 * docs/security.md list them from this file; a variable that overrides one is validated in
 * schema.ts (or sessions/config.ts) against the bounds given here.
 */
import { MAX_SAMPLE_RATE } from '../../gpu-pool/session-settings.ts';

/** The frame rule (functions/streaming/audio-frames.ts): every binary frame holds 50–1000 ms of audio, else 3007. */
export const MIN_FRAME_MS = 50;
export const MAX_FRAME_MS = 1000;

/** The largest legal audio frame: 1000 ms of 96 kHz pcm_s16le. */
export const LARGEST_AUDIO_FRAME_BYTES = (MAX_SAMPLE_RATE * MAX_FRAME_MS * 2) / 1000;

/**
 * The largest WebSocket message the gateway reads (ws `maxPayload`); a larger one closes the socket
 * with 1009 (Message Too Big) before it is buffered whole. Above the largest legal frame with room
 * to spare, so a frame a little too long still gets the protocol's 3007 with its duration, and
 * far above any legal control message (UpdateConfiguration with 100 keyterms is about 6 KB).
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Text (control) messages per session: a burst of this many at once, then this many per second
 * (control-rate.ts); beyond that Error 3007 "Message Rate Exceeded". Legitimate clients send a
 * handful per turn (ForceEndpoint, an UpdateConfiguration, KeepAlive every few seconds).
 */
export const CONTROL_MESSAGE_BURST = 100;
export const CONTROL_MESSAGES_PER_SECOND = 20;

/**
 * The idle rule (self-hosted v1.2): a session that hears nothing from its client — no audio, no
 * message, not even KeepAlive — for this long ends, even without inactivity_timeout (which, when
 * given, replaces it). It ends like inactivity_timeout: last Turns, Termination, close 1000 with
 * the reason below, and is billed. IDLE_SESSION_TIMEOUT_SECONDS overrides it.
 */
export const IDLE_SESSION_SECONDS = 60;
export const idleCloseReason = (seconds: number) => `Session idle: nothing received for ${seconds} s`;

/**
 * Evaluation mode (no licence): at most this many concurrent sessions, cluster-wide. Fixed: the
 * EVALUATION_MAX_SESSIONS variable may lower it, never raise it (a larger value stops the process
 * at start), and a gateway never takes a larger number from Redis — only a licence JWT it has
 * verified itself can. Beyond it: Error 3009 "Too many concurrent sessions".
 */
export const EVALUATION_MAX_SESSIONS = 4;

/**
 * Outbound buffer: messages the gateway has queued for a client but the client's connection has
 * not taken yet (ws `bufferedAmount`). A client that stops reading would otherwise make every
 * Turn pile up in the gateway's memory. Above this the session ends with Error 3005
 * `Session Cancelled: Client not reading ...` and the socket is closed (ws destroys it 30 s later
 * if the client does not even read the close). Normal sessions have a few KB in flight.
 * OUTBOUND_BUFFER_LIMIT_BYTES overrides it.
 */
export const OUTBOUND_BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;
export const clientNotReadingText = (bytes: number) => `Session Cancelled: Client not reading: ${Math.round(bytes / 1024)} KiB of messages unsent`;

/**
 * Maximum turn length: a turn of continuous speech is ended (as if the client had sent
 * ForceEndpoint) once its words span this long, so a partial Turn — which repeats the whole open
 * turn — never grows without bound. The turn's end-of-turn message says `turn_end_reason:
 * max_turn_length` (Pro family); the next words start a new turn, nothing is lost.
 * MAX_TURN_SECONDS overrides it. Also a hard cap on the words of one turn, whatever their times.
 */
export const MAX_TURN_SECONDS = 60;
export const MAX_TURN_WORDS = 400;

/**
 * Temporary tokens (GET /v3/token): live (issued, not yet used or expired) tokens per API key and
 * in all, cluster-wide. Beyond either: HTTP 429 `{"error": "Too many live temporary tokens ..."}`.
 * Each token lives at most 600 s (the protocol's expires_in_seconds bound), so a key minting as
 * fast as it can holds at most this many. Issuing costs the same whatever the store holds: an
 * expiry index (a heap in memory, sorted sets in Redis) drops expired tokens, nothing scans.
 * Without EARSHOT_API_KEYS only loopback clients may mint tokens (the embedded playground); set
 * an allow-list to mint from elsewhere.
 */
export const LIVE_TOKENS_PER_KEY = 1000;
export const LIVE_TOKENS_TOTAL = 100_000;
export const TOKEN_MAX_LIFETIME_SECONDS = 600;

/**
 * Audio ahead of real time per client address, summed over all its sessions on a gateway: the
 * per-session rule (AUDIO_RATE_BURST_SECONDS) alone let a client burst just under 60 s, hang up
 * and reconnect, feeding 161× real time. A client's sessions together may run this far ahead;
 * the allowance drains at real time for each of its open sessions (and at real time while it has
 * none), so any number of real-time sessions never touch it. Beyond: Error 3007
 * `Audio Transmission Rate Exceeded: this client's sessions are <x> s of audio ahead of real time
 * (at most 60 s together)`. CLIENT_AUDIO_BURST_SECONDS overrides it; 0 switches it off (behind a
 * proxy on the same host every client has one address; tools that stream many files faster than
 * real time from one host, such as `npm run eval:api -- --speed 4`).
 */
export const CLIENT_AUDIO_BURST_SECONDS = 60;
export const clientRateText = (aheadSeconds: number, burstSeconds: number) =>
  `Audio Transmission Rate Exceeded: this client's sessions are ${aheadSeconds.toFixed(1)} s of audio ahead of real time (at most ${burstSeconds} s together)`;

/**
 * Server pings: the gateway pings every WebSocket this often; a client whose connection has not
 * answered (pong) by the next ping is gone (black-holed, NAT entry dropped, laptop asleep) and its
 * socket is destroyed, which ends its session as a vanished client (worker freed, billed). This is
 * about the connection, and is separate from the idle rule (IDLE_SESSION_SECONDS, about the
 * client's messages): a client with inactivity_timeout up to 3600 s, or one that is still sending
 * into a dead path, is found within two intervals. Browsers and the SDKs answer pings by themselves.
 */
export const SERVER_PING_INTERVAL_SECONDS = 30;
