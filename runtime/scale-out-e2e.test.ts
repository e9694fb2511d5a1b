/**
 * The scale-out deployment end to end, as separate OS processes wired like
 * infra/docker-compose.scale-out.yml: each service's command and environment block are read from
 * that file, with service names mapped to loopback ports (redis:6379 → Redis on 127.0.0.1:6379
 * under a key prefix of its own, streaming-asr-lb:80 → nginx running the committed router config,
 * /var/earshot → a folder holding a licence signed here). Two gateways, two English ASR workers
 * behind nginx, the licence proxy checking in with the reference licence server, the usage
 * reporter posting to the reference usage tracker.
 *
 * It shows: sessions through both gateways transcribe; the licence's cluster limit gives 3009 on
 * whichever gateway asks; a worker killed with SIGKILL mid-session costs the client nothing (the
 * gateways reopen its sessions on the other worker: same final words as undisturbed, no Error,
 * close 1000); every admitted session reaches the tracker exactly once; /v1/status is Connected.
 * Needs nginx and Redis (.ci/run installs and starts them); without them one skip line, an error under CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalise, streamAudio, TestClient, type Message } from '../functions/streaming/testing/harness.ts';
import { readAudioFile } from '../gpu-pool/engine/testing/audio-files.ts';
import { freePort } from '../gpu-pool/grpc/testing/free-port.ts';
import { loadComposeFile, serviceEnvironment, type ComposeFile } from '../infra/testing/compose-file.ts';
import { hasNginx, startRouter } from '../infra/testing/nginx-router.ts';
import { generateLicenceKeyPair, signLicence } from '../scripts/license/licence-signer.ts';
import { readyLine } from './testing/ready-line.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPOSE = join(ROOT, 'infra/docker-compose.scale-out.yml');
const FIXTURES = join(ROOT, 'scripts/eval/fixtures/heldout');
const REDIS_URL = 'redis://127.0.0.1:6379';
const USAGE_KEY = 'e2e-usage-key';
const LICENCE_LIMIT = 3;

const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
const redisUp = await probe.connect().then(
  () => true,
  () => false,
);
probe.disconnect();
const nginxUp = hasNginx();
const missing = [!redisUp && 'Redis on 127.0.0.1:6379', !nginxUp && 'nginx'].filter(Boolean);
if (missing.length > 0) {
  if (process.env.CI === 'true') throw new Error(`scale-out e2e test needs ${missing.join(' and ')} (.ci/run installs them)`);
  console.warn(`skipped: scale-out e2e test (needs ${missing.join(' and ')})`);
}

interface Role {
  name: string;
  child: ChildProcess;
  output: () => string;
}

const roles: Role[] = [];

/** One compose service as a local process: its command, its environment block mapped to loopback. */
async function startService(
  compose: ComposeFile,
  service: string,
  name: string,
  map: (value: string) => string,
  overrides: Record<string, string>,
  ready: RegExp,
): Promise<{ role: Role; line: string }> {
  const spec = compose.services[service];
  const command = spec.command as string[];
  expect(command[0]).toBe('node');
  const environment = Object.fromEntries(Object.entries(serviceEnvironment(spec)).map(([key, value]) => [key, map(value)]));
  const child = spawn(process.execPath, command.slice(1), { cwd: ROOT, env: { ...process.env, ...environment, ...overrides }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { text: '' };
  const role: Role = { name, child, output: () => out.text };
  roles.push(role);
  const line = await readyLine(child, name, ready, 60_000, out);
  return { role, line };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A client session: stream the audio, Terminate, collect what came back. */
async function runSession(url: string, pcm: Int16Array, sampleRate: number, speed: number) {
  const client = new TestClient(`${url}?sample_rate=${sampleRate}&speech_model=universal-streaming-english`, { Authorization: 'e2e' });
  const begin = await client.type('Begin', 20_000);
  await streamAudio(client, pcm, sampleRate, 100, speed);
  client.send({ type: 'Terminate' });
  await client.type('Termination', 30_000);
  const closed = await client.closed;
  return { id: String(begin.id), client, closed, transcript: finalWords(client.messages), turns: client.ofType('Turn') };
}

const finalWords = (messages: Message[]) => messages.filter((m) => m.type === 'Turn' && m.end_of_turn).flatMap((m) => normalise(String(m.transcript)));

/** Longest silence between two Turn messages of a session (ms): what a failover adds. */
function longestGap(turns: Array<Message & { receivedAt?: number }>): number {
  let longest = 0;
  for (let index = 1; index < turns.length; index++) longest = Math.max(longest, (turns[index].receivedAt ?? 0) - (turns[index - 1].receivedAt ?? 0));
  return longest;
}

describe.skipIf(missing.length > 0)('scale-out as shipped (docker-compose.scale-out.yml as local processes)', () => {
  const prefix = `e2e-${process.pid}:`;
  let dir: string;
  let nginx: ChildProcess | undefined;
  let gatewayUrls: string[] = [];
  let proxyPort = 0;
  let trackerPort = 0;
  let workers: Role[] = [];
  let pcm: Int16Array;
  let sampleRate = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-e2e-'));
    const licenceDir = join(dir, 'licence');
    const routerDir = join(dir, 'router');
    for (const folder of [licenceDir, routerDir]) mkdirSync(folder);

    // The vendor side: a key pair and a usage-billed licence for LICENCE_LIMIT concurrent sessions.
    const vendor = generateLicenceKeyPair('EdDSA');
    const now = Math.floor(Date.now() / 1000);
    const licence = await signLicence(vendor.privatePem, { id: 'lic-e2e', licensee: 'E2E Ltd', billing: 'usage', maxConcurrentSessions: LICENCE_LIMIT, allowedModels: ['*'], notBefore: now - 60, expiresAt: now + 3600 });
    writeFileSync(join(licenceDir, 'license.jwt'), licence);
    writeFileSync(join(licenceDir, 'licence-public.pem'), vendor.publicPem);

    const [licencePort, trackerPortFree, routerPort, proxyPortFree, ...workerPorts] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    trackerPort = trackerPortFree;
    proxyPort = proxyPortFree;
    // The operator's infra/.env, as the compose file interpolates it.
    const compose = loadComposeFile(COMPOSE, {
      LICENSE_SERVER_URL: `http://127.0.0.1:${licencePort}`,
      LICENSE_CHECKIN_INTERVAL_MS: '1000',
      USAGE_TRACKER_URL: `http://127.0.0.1:${trackerPort}`,
      USAGE_TRACKING_API_KEY: USAGE_KEY,
      MAX_OPEN_STREAMS: '8',
      ASR_WORKERS: '1',
      ASR_THREADS: '1',
      LOGGING_LEVEL: 'info',
    });
    // Service names and mounts → this machine.
    const map = (value: string) =>
      value.replaceAll('redis://redis:6379', REDIS_URL).replaceAll('streaming-asr-lb:80', `127.0.0.1:${routerPort}`).replaceAll('/var/earshot/', `${licenceDir}/`);
    // What only a test changes: ports, the key prefix, ids, and shorter timers.
    const common = { EARSHOT_REDIS_PREFIX: prefix, LICENSE_MIRROR_POLL_MS: '200', SESSION_HEARTBEAT_INTERVAL_MS: '500', USE_STRUCTURED_LOGGING: 'true' };

    // The reference upstream has no compose service (the vendor runs the real ones).
    const reference = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts', '--role', 'reference-upstream'], {
      cwd: ROOT,
      env: { ...process.env, REFERENCE_LICENCE_PORT: String(licencePort), REFERENCE_TRACKER_PORT: String(trackerPort), REFERENCE_TRACKER_API_KEYS: USAGE_KEY },
      stdio: 'ignore',
    });
    roles.push({ name: 'reference-upstream', child: reference, output: () => '' });
    await until('the reference tracker', async () => ((await fetch(`http://127.0.0.1:${trackerPort}/health`)).ok ? true : undefined));

    // Everything else at once: each role waits for what it needs (the gateways' health for a worker).
    nginx = await startRouter(routerPort, { 'streaming-asr-english': workerPorts, 'streaming-asr-multilang': await freePort(), 'streaming-asr-u3pro': await freePort() }, routerDir);
    const started = await Promise.all([
      ...workerPorts.map((port, index) =>
        startService(compose, 'streaming-asr-english', `asr-worker-${index}`, map, { ...common, SERVER_HOST: '127.0.0.1', SERVER_PORT: String(port), METRICS_PORT: '' }, /Ready to serve!/),
      ),
      startService(compose, 'license-and-usage-proxy', 'license-proxy', map, { ...common, LICENSE_PROXY_PORT: String(proxyPort) }, /licence proxy started/),
      startService(compose, 'usage-reporter', 'usage-reporter', map, { ...common, USAGE_BATCH_INTERVAL_MS: '300' }, /registered with the tracker/),
      ...['a', 'b'].map((id) =>
        startService(compose, 'gateway', `gateway-${id}`, map, { ...common, HOST: '127.0.0.1', PORT: '0', EARSHOT_GATEWAY_ID: `gw-${id}`, DRAIN_GRACE_MS: '1000' }, /listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/),
      ),
    ]);
    workers = started.slice(0, 2).map((service) => service.role);
    const gateways = started.slice(4);
    expect(gateways).toHaveLength(2);
    gatewayUrls = gateways.map((gateway) => /ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/.exec(gateway.line)![0]);
    for (const url of gatewayUrls) {
      const health = url.replace('ws:', 'http:') + '/health';
      await until(`${health} 200`, async () => ((await fetch(health)).status === 200 ? true : undefined));
    }
    // The licence proxy checked in and the gateways mirror its licence (not evaluation mode).
    await until('/v1/status Connected', async () => ((await (await fetch(`http://127.0.0.1:${proxyPort}/v1/status`)).json()).state === 'Connected' ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 600));

    // Two committed sentences with a pause between them: two turns.
    const first = await readAudioFile(join(FIXTURES, 'heldout-0003.wav'));
    const second = await readAudioFile(join(FIXTURES, 'heldout-0010.wav'));
    sampleRate = first.sampleRate;
    pcm = new Int16Array(first.samples.length + second.samples.length + Math.round(sampleRate * 1.2));
    pcm.set(first.samples, 0);
    pcm.set(second.samples, first.samples.length + Math.round(sampleRate * 1.2));
  }, 120_000);

  afterAll(async () => {
    for (const role of roles) if (role.child.exitCode === null) role.child.kill('SIGKILL');
    nginx?.kill('SIGTERM');
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('transcribes through both gateways, refuses past the licence limit with 3009, survives a killed worker, bills each session once', async () => {
    // 1. Undisturbed: one session through each gateway.
    const reference = await Promise.all(gatewayUrls.map((url) => runSession(url, pcm, sampleRate, 4)));
    for (const session of reference) {
      expect(session.closed.code).toBe(1000);
      expect(session.client.ofType('Error')).toEqual([]);
      expect(session.transcript.length).toBeGreaterThan(5);
    }
    expect(reference[1].transcript).toEqual(reference[0].transcript);
    const expected = reference[0].transcript;

    // 2. The licence's limit across gateways: LICENCE_LIMIT sessions live, the next one is refused.
    const stamp = (client: TestClient) => {
      client.socket.on('message', () => {
        const last = client.messages.at(-1) as Message & { receivedAt?: number };
        if (last) last.receivedAt = performance.now();
      });
    };
    const live = Array.from({ length: LICENCE_LIMIT }, (_, index) => {
      const client = new TestClient(`${gatewayUrls[index % 2]}?sample_rate=${sampleRate}&speech_model=universal-streaming-english`, { Authorization: 'e2e' });
      stamp(client);
      return client;
    });
    const begins = await Promise.all(live.map((client) => client.type('Begin', 20_000)));
    const refused = new TestClient(`${gatewayUrls[1]}?sample_rate=${sampleRate}`, { Authorization: 'e2e' });
    const refusal = await refused.type('Error', 10_000);
    expect(refusal).toMatchObject({ error_code: 3009 });
    expect(String(refusal.error)).toMatch(/Too many concurrent sessions/);
    expect((await refused.closed).code).toBe(3009);

    // 3. Stream at 1.5× real time; kill one worker with SIGKILL in the second sentence (the second turn).
    const streaming = live.map(async (client) => {
      await streamAudio(client, pcm, sampleRate, 100, 1.5);
      client.send({ type: 'Terminate' });
      await client.type('Termination', 30_000);
      return client.closed;
    });
    await new Promise((resolve) => setTimeout(resolve, ((pcm.length / sampleRate) * 1000) / 1.5 * 0.65));
    const killedAt = performance.now();
    workers[0].child.kill('SIGKILL');
    const closes = await Promise.all(streaming);
    for (const [index, client] of live.entries()) {
      expect(client.ofType('Error'), `session ${index}`).toEqual([]);
      expect(closes[index].code).toBe(1000);
      expect(finalWords(client.messages), `session ${index}`).toEqual(expected);
      const orders = client.ofType('Turn').filter((turn) => turn.end_of_turn).map((turn) => turn.turn_order);
      expect(orders).toEqual(orders.map((_, order) => order));
    }
    const reopened = roles.filter((role) => role.name.startsWith('gateway')).map((role) => (role.output().match(/session reopened on another worker/g) ?? []).length);
    expect(reopened.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(1);
    const reopenMs = roles.flatMap((role) => [...role.output().matchAll(/"reopenMs":(\d+)/g)].map((match) => Number(match[1])));
    const gaps = live.map((client) => Math.round(longestGap(client.ofType('Turn') as Array<Message & { receivedAt?: number }>)));
    console.log(`failover: ${reopened.join('+')} session(s) reopened after the SIGKILL at ${Math.round(killedAt)} ms; reopen ${reopenMs.join(', ')} ms; longest gap between Turn messages per session ${gaps.join(', ')} ms`);

    // 4. Usage: every admitted session (not the refused one) reaches the tracker exactly once.
    const ids = [...reference.map((session) => session.id), ...begins.map((begin) => String(begin.id))];
    const usage = await until(
      `${ids.length} usage records`,
      async () => {
        const body = (await (await fetch(`http://127.0.0.1:${trackerPort}/v1/usage`, { headers: { Authorization: USAGE_KEY } })).json()) as { count: number; records: Array<{ session_id: string; licence_id: string; reason: string; audio_seconds: number }> };
        return body.count >= ids.length ? body : undefined;
      },
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // nothing more arrives
    const settled = (await (await fetch(`http://127.0.0.1:${trackerPort}/v1/usage`, { headers: { Authorization: USAGE_KEY } })).json()) as typeof usage;
    expect(settled.records.map((record) => record.session_id).sort()).toEqual([...ids].sort());
    for (const record of settled.records) expect(record).toMatchObject({ licence_id: 'lic-e2e', reason: 'terminated' });
    for (const record of settled.records) expect(record.audio_seconds).toBeCloseTo(pcm.length / sampleRate, 0);

    // 5. The licence proxy is still checking in.
    const status = (await (await fetch(`http://127.0.0.1:${proxyPort}/v1/status`)).json()) as Record<string, unknown>;
    expect(status.state).toBe('Connected');
  }, 120_000);
});

