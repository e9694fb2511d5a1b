import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

describe('loadConfig', () => {
  it('defaults to the embedded role on port 8080 without TLS', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ role: 'embedded', host: '0.0.0.0', port: 8080, tls: undefined, drainGraceMs: 30_000 });
    expect(config.streaming).toMatchObject({ rateBurstMs: 60_000, lenientFinalChunk: true });
    expect(config.streaming.speechModels.get('u3-rt-pro')).toBe('u3-pro');
    expect(config.asrPool).toBeUndefined();
  });

  it('takes the seed names, flags over environment, and TLS in pairs', () => {
    expect(loadConfig({ AAI_WSS_PORT: '9000' }).port).toBe(9000);
    expect(loadConfig({ PORT: '9001', EARSHOT_ROLE: 'embedded' }, ['--role', 'gateway', '--port=9002'])).toMatchObject({ role: 'gateway', port: 9002 });
    expect(loadConfig({ TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' }).tls).toEqual({ certFile: 'c.pem', keyFile: 'k.pem', port: 8443 });
    expect(() => loadConfig({ TLS_CERT_FILE: 'c.pem' })).toThrow(ConfigError);
    expect(loadConfig({ ASR_ENDPOINT: 'asr-lb:80' }).asrPool?.routes.get('*')).toEqual(['asr-lb:80']);
  });

  it('serves the playground by default in the embedded role only; PLAYGROUND overrides', () => {
    expect(loadConfig({}).playground).toBe(true);
    expect(loadConfig({ EARSHOT_ROLE: 'gateway' }).playground).toBe(false);
    expect(loadConfig({ PLAYGROUND: 'false' }).playground).toBe(false);
    expect(loadConfig({ EARSHOT_ROLE: 'gateway', PLAYGROUND: 'true' }).playground).toBe(true);
  });

  it('lists every invalid setting at once', () => {
    expect(() => loadConfig({ PORT: 'abc', LENIENT_FINAL_CHUNK: 'perhaps' })).toThrow(/PORT[\s\S]*LENIENT_FINAL_CHUNK/);
    expect(() => loadConfig({}, ['--role', 'chef'])).toThrow(/roles: embedded, gateway/);
    expect(() => loadConfig({}, ['--colour', 'blue'])).toThrow(/unknown flag --colour/);
  });

  it("lists the sessions' and the ASR pool's problems with the runtime's own, every one of them", () => {
    const problems = () => {
      try {
        loadConfig({
          PORT: 'abc',
          TLS_CERT_FILE: 'c.pem',
          SPEECH_MODEL_ROUTES: 'no-label',
          SESSION_HEARTBEAT_TTL_MS: 'soon',
          MAX_SESSION_DURATION_SECONDS: '-1',
          EVALUATION_MAX_SESSIONS: '100',
          USAGE_BATCH_MAX: 'many',
          ASR_ENDPOINT: 'asr-lb:80',
          ASR_ACCEPT_TIMEOUT_MS: 'soon',
          ASR_ATTEMPTS_PER_SESSION: '0',
        });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message.split('\n').slice(1).map((line) => line.trim().split(/[: ]/)[0]);
      }
      throw new Error('expected loadConfig to throw');
    };
    expect(problems()).toEqual([
      'PORT',
      'TLS_CERT_FILE',
      'SPEECH_MODEL_ROUTES',
      'SESSION_HEARTBEAT_TTL_MS',
      'MAX_SESSION_DURATION_SECONDS',
      'EVALUATION_MAX_SESSIONS',
      'USAGE_BATCH_MAX',
      'ASR_ACCEPT_TIMEOUT_MS',
      'ASR_ATTEMPTS_PER_SESSION',
    ]);
  });

  it("lists the asr-worker role's problems with the runtime's own, every one of them", () => {
    let message = '';
    try {
      loadConfig({ EARSHOT_ROLE: 'asr-worker', PORT: 'abc', DRAIN_GRACE_MS: '1.5', MODEL_VERSION: 'ml-default', SERVER_PORT: '-1', MAX_OPEN_STREAMS: '0', ASR_WORKERS: 'two', ASR_DECODING: 'fast', ASR_PROVIDER: 'gpu', ASR_PREFER_INT8: 'maybe', METRICS_PORT: 'x' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    // DRAIN_GRACE_MS once (the schema's line), every worker variable after the runtime's own.
    expect(message.split('\n').slice(1).map((line) => line.trim().split(/[: ]/)[0])).toEqual([
      'PORT',
      'DRAIN_GRACE_MS',
      'MODEL_DIR',
      'SERVER_PORT',
      'MAX_OPEN_STREAMS',
      'ASR_WORKERS',
      'ASR_DECODING',
      'ASR_PROVIDER',
      'ASR_PREFER_INT8',
      'METRICS_PORT',
    ]);
  });

  it('gives the asr-worker role its settings, with the drain grace the schema read', () => {
    const config = loadConfig({ EARSHOT_ROLE: 'asr-worker', SERVER_PORT: '50052', MAX_OPEN_STREAMS: '8', DRAIN_GRACE_MS: '2000' });
    expect(config.asrWorker).toMatchObject({ port: 50052, maxOpenStreams: 8, modelVersions: ['en-default'], drainGraceMs: 2000 });
    expect(loadConfig({ EARSHOT_ROLE: 'gateway' }).asrWorker).toBeUndefined();
  });
});
