/**
 * The playground as a person uses it: a real embedded Earshot on a free port, the page in headless
 * Chromium, its fake microphone playing committed speech once. The page must get Begin over a
 * WebSocket authorised by a temporary token, show as final words what the engine itself hears in
 * that file, send what its buttons say, and end with Terminate → close 1000; a dropped file the
 * same; a refused session as its Error and close code in words. Screenshots (the microphone
 * session mid-sentence and at its end, the refused one) are left under .tmp/playground/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { readAudioFile } from '../../gpu-pool/engine/testing/audio-files.ts';
import { editDistance } from '../../gpu-pool/engine/testing/edit-distance.ts';
import { finalWordsThroughEngine } from '../../gpu-pool/engine/testing/engine-transcript.ts';
import { SPEECH_FIXTURES } from '../../gpu-pool/engine/testing/test-data.ts';
import { createTestEngine } from '../../gpu-pool/grpc/testing/test-engine.ts';
import { normalise, startTestServer, type TestServer } from '../streaming/testing/harness.ts';
import { chromiumArgs, chromiumForTests } from './testing/chromium.ts';

const ARTEFACTS = fileURLToPath(new URL('../../.tmp/playground/', import.meta.url));
const SCREENSHOT = join(ARTEFACTS, 'playground.png');
const LIVE_SCREENSHOT = join(ARTEFACTS, 'playground-live.png');
const executablePath = chromiumForTests();

describe.skipIf(!executablePath)('the playground in headless Chromium', () => {
  let engine: AsrEngine;
  let server: TestServer;
  let browser: BrowserContext | undefined;
  let profile = '';

  beforeAll(async () => {
    // A fresh profile each run: no remembered permission or cache decides the outcome.
    profile = mkdtempSync(join(tmpdir(), 'earshot-chromium-'));
    engine = await createTestEngine();
    server = await startTestServer({}, engine);
    browser = await chromium.launchPersistentContext(profile, { executablePath: executablePath!, headless: true, args: chromiumArgs(SPEECH_FIXTURES.wav16k), viewport: { width: 1000, height: 720 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await engine?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** A new tab on the playground, recording page errors and the session's WebSocket frames. */
  async function openPlayground() {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    const received: Array<{ type: string }> = [];
    const sent: unknown[] = [];
    const sockets: string[] = [];
    page.on('websocket', (socket) => {
      sockets.push(socket.url());
      socket.on('framereceived', ({ payload }) => received.push(JSON.parse(String(payload))));
      socket.on('framesent', ({ payload }) => typeof payload === 'string' && sent.push(JSON.parse(payload)));
    });
    await page.goto(`http://127.0.0.1:${server.port}/playground`);
    return { page, problems, received, sent, sockets };
  }

  const finalWords = async (page: Page) => normalise((await page.$$eval('#transcript .word.final', (spans) => spans.map((span) => span.textContent ?? ''))).join(' '));
  const closeCode = async (page: Page) => {
    await page.waitForFunction(() => document.body.dataset.closeCode !== undefined, undefined, { timeout: 20_000 });
    return page.evaluate(() => document.body.dataset.closeCode);
  };

  /**
   * The browser's path (fake device or decoder at its own rate, then back to 16 kHz, capture
   * starting at an arbitrary point of the first 80 ms frame) shifts the audio by a few ms against
   * the model's frames, and the small test model splits near-ties differently under such shifts
   * ("JUMPS" / "JUMP SO", "LAZY" / "LZY"), so words are compared by their letters: a few edits at
   * most, where lost, doubled, garbled or wrongly paced audio costs dozens.
   */
  async function expectEngineWords(shown: string[], file: string) {
    const heard = normalise((await finalWordsThroughEngine(engine, await readAudioFile(file), [2560])).join(' '));
    const [onPage, inFile] = [shown.join(' '), heard.join(' ')];
    const distance = editDistance([...onPage], [...inFile]);
    console.log(`playground: the page showed "${onPage}", the engine hears "${inFile}" in ${basename(file)} (${distance} character edits)`);
    expect(heard.length).toBeGreaterThan(4);
    expect(distance, `page: ${onPage} / engine: ${inFile}`).toBeLessThanOrEqual(Math.ceil(inFile.length * 0.15));
  }

  it('microphone → Begin, final words as the engine hears the file, Terminate → close 1000', async () => {
    const { page, problems, received, sent, sockets } = await openPlayground();
    await page.goto(`http://127.0.0.1:${server.port}/playground`);
    const started = Date.now();
    await page.click('#start');
    await page.waitForFunction(() => document.body.dataset.state === 'open', undefined, { timeout: 15_000 });
    expect(received[0]).toMatchObject({ type: 'Begin' });
    // A temporary token in the URL, no API key anywhere in it.
    expect(new URL(sockets[0]).searchParams.get('token')).toMatch(/\S/);

    // Mid-sentence: grey partial words and a moving level meter (the second artefact).
    await page.waitForSelector('#transcript .word.partial', { timeout: 15_000 });
    expect(await page.$eval('#level', (bar) => parseFloat((bar as HTMLElement).style.width))).toBeGreaterThan(20);
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: LIVE_SCREENSHOT, fullPage: true });

    // The file (4.9 s) has played and its last turn has ended in the silence after it.
    await page.waitForFunction(
      (startedAt) => Date.now() - startedAt > 5500 && document.querySelector('#transcript p.turn.ended') !== null && document.querySelector('#transcript .word.partial') === null,
      started,
      { timeout: 30_000, polling: 100 },
    );
    // The control buttons send what they say and the server accepts it (no Error, still open).
    await page.fill('input[name=keyterms_prompt]', 'quick fox, lazy dog');
    await page.fill('input[name=max_turn_silence]', '1500');
    await page.click('#update');
    await page.click('#force');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('open');
    await page.click('#terminate');
    const code = await closeCode(page);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(code).toBe('1000');
    expect(await page.textContent('#status')).toBe('Closed 1000: normal closure');
    expect(received.filter((m) => m.type === 'Error')).toEqual([]);
    expect(received.at(-1)).toMatchObject({ type: 'Termination' });
    expect(sent).toEqual([
      { type: 'UpdateConfiguration', format_turns: true, keyterms_prompt: ['quick fox', 'lazy dog'], max_turn_silence: 1500 },
      { type: 'ForceEndpoint' },
      { type: 'Terminate' },
    ]);

    await expectEngineWords(await finalWords(page), SPEECH_FIXTURES.wav16k);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a dropped file (22 kHz WAV) is resampled, streamed at real time and terminated at its end', async () => {
    const { page, problems, received } = await openPlayground();
    const started = Date.now();
    await page.setInputFiles('#file', SPEECH_FIXTURES.wav22k);
    expect(await closeCode(page)).toBe('1000');
    // Real time, not as fast as the socket takes it: the file is 4.9 s long.
    expect(Date.now() - started).toBeGreaterThan(4500);
    expect(received[0]).toMatchObject({ type: 'Begin' });
    expect(received.at(-1)).toMatchObject({ type: 'Termination' });
    await expectEngineWords(await finalWords(page), SPEECH_FIXTURES.wav22k);
    expect(problems).toEqual([]);
  }, 60_000);

  it("the server's Error and close code are shown in words", async () => {
    const { page, problems, received } = await openPlayground();
    await page.fill('input[name=speech_model]', 'no-such-model');
    await page.click('#start');
    expect(await closeCode(page)).toBe('3006');
    expect(received).toEqual([{ type: 'Error', error_code: 3006, error: expect.stringContaining("speech_model 'no-such-model' is not a known model") }]);
    expect(await page.textContent('#status')).toMatch(/^Closed 3006: invalid input: .* — Error 3006: .*no-such-model/);
    expect(await page.getAttribute('#status', 'data-kind')).toBe('error');
    await page.screenshot({ path: join(ARTEFACTS, 'playground-error.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 30_000);
});
