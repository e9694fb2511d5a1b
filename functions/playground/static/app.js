// The playground's client: one v3 session at a time, from the microphone (pcm-worklet.js) or a
// dropped file, over a WebSocket authorised by a temporary token. Everything it shows comes from
// the server's messages; the body's data-state / data-close-code say where the session stands.
const SAMPLE_RATE = 16000;
// 80 ms frames: inside the server's 50-1000 ms rule with room on both sides, and short enough
// that partial words keep up with speech.
const FRAME_MS = 80;
const TURN_SETTINGS = ['end_of_turn_confidence_threshold', 'min_turn_silence', 'max_turn_silence'];

// What a close code means, for a person reading the status line (README: protocol notes).
const CLOSE_WORDS = {
  1000: 'normal closure',
  1001: 'going away: the server or the page is shutting down',
  1005: 'closed without a status code',
  1006: 'connection lost without a close frame: server unreachable, or the upgrade was refused',
  1008: 'unauthorized: missing, invalid or expired token or API key',
  1009: 'message too big',
  1011: 'internal server error',
  3005: 'session cancelled: a server-side error',
  3006: 'invalid input: a query parameter or message the server does not accept',
  3007: 'audio or message rule broken: frame length, real-time rate or control-message rate',
  3008: 'session expired: the maximum session duration was reached',
  3009: 'too many concurrent sessions',
};

const $ = (id) => document.getElementById(id);
const form = $('settings');
const buttons = { start: $('start'), update: $('update'), force: $('force'), terminate: $('terminate') };
let session = null;

function setState(state, text, kind = '') {
  document.body.dataset.state = state;
  $('status').textContent = text;
  $('status').dataset.kind = kind;
  const live = state === 'open' || state === 'terminating';
  buttons.start.disabled = state !== 'idle' && state !== 'closed';
  buttons.update.disabled = buttons.force.disabled = state !== 'open';
  buttons.terminate.disabled = !live;
}

function logEvent(text) {
  const events = $('events');
  events.append(`${new Date().toISOString().slice(11, 23)}  ${text}\n`);
  events.scrollTop = events.scrollHeight;
}

function showLevel(peak) {
  // A decibel scale: speech at -30 dBFS should fill a visible part of the bar, not 3 % of it.
  const db = 20 * Math.log10(Math.max(peak, 1e-4));
  $('level').style.width = `${Math.max(0, Math.min(100, ((db + 60) / 60) * 100))}%`;
}

function keyterms() {
  return form.keyterms_prompt.value.split(',').map((term) => term.trim()).filter(Boolean);
}

function connectionQuery() {
  const query = new URLSearchParams({ sample_rate: String(SAMPLE_RATE), encoding: 'pcm_s16le' });
  const model = form.speech_model.value.trim();
  if (model) query.set('speech_model', model);
  query.set('format_turns', form.format_turns.checked ? 'true' : 'false');
  if (keyterms().length > 0) query.set('keyterms_prompt', JSON.stringify(keyterms()));
  for (const name of TURN_SETTINGS) if (form[name].value.trim() !== '') query.set(name, form[name].value.trim());
  return query;
}

function configurationUpdate() {
  const update = { type: 'UpdateConfiguration', format_turns: form.format_turns.checked, keyterms_prompt: keyterms() };
  for (const name of TURN_SETTINGS) if (form[name].value.trim() !== '') update[name] = Number(form[name].value);
  return update;
}

async function temporaryToken() {
  // Without an allow-list (EARSHOT_API_KEYS unset) the server takes any non-empty value, so the
  // page sends a label, not a secret; with one, the operator types a key and it goes no further
  // than this request.
  const key = form.api_key.value.trim() || 'playground';
  const response = await fetch('/v3/token?expires_in_seconds=60', { headers: { Authorization: key } });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) throw new Error(`the server wants an API key (${body.error ?? 'HTTP 401'}): enter one above`);
  if (!response.ok) throw new Error(`GET /v3/token answered ${response.status}: ${body.error ?? ''}`);
  return body.token;
}

function sendAudio(current, pcm) {
  const socket = current.socket;
  // Frames captured while the socket opens wait for it: the first syllable is usually in them.
  if (!socket || socket.readyState === WebSocket.CONNECTING) current.pending.push(pcm);
  else if (socket.readyState === WebSocket.OPEN && !current.terminated) {
    socket.send(pcm);
    current.sentMs += (pcm.byteLength / 2 / SAMPLE_RATE) * 1000;
  }
}

async function start(source) {
  if (session) return;
  $('transcript').replaceChildren();
  $('session').textContent = '';
  delete document.body.dataset.closeCode;
  const current = { socket: null, pending: [], stopAudio: () => {}, turns: new Map(), sentMs: 0, terminated: false };
  session = current;
  setState('connecting', 'Connecting…');
  try {
    const stopAudio = await source((pcm) => sendAudio(current, pcm));
    // Terminate stops the audio and so does the close after it: only the first call counts.
    current.stopAudio = () => {
      current.stopAudio = () => {};
      stopAudio();
    };
    const query = connectionQuery();
    logEvent(`connect /v3/ws?${query}`);
    query.set('token', await temporaryToken());
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v3/ws?${query}`);
    socket.binaryType = 'arraybuffer';
    current.socket = socket;
    socket.onopen = () => {
      for (const pcm of current.pending) sendAudio(current, pcm);
      current.pending = [];
    };
    socket.onmessage = (event) => onMessage(current, JSON.parse(event.data));
    socket.onclose = (event) => onClose(current, event);
  } catch (error) {
    current.stopAudio();
    session = null;
    logEvent(`failed: ${error.message}`);
    setState('closed', `Could not start: ${error.message}`, 'error');
  }
}

function onMessage(current, message) {
  switch (message.type) {
    case 'Begin':
      setState('open', 'Session open: listening.');
      $('session').textContent = `id ${message.id} · expires ${new Date(message.expires_at * 1000).toLocaleTimeString()}`;
      logEvent(`Begin ${JSON.stringify(message.configuration ?? {})}`);
      break;
    case 'Turn':
      renderTurn(current, message);
      break;
    case 'SpeechStarted':
      logEvent(`SpeechStarted at ${message.timestamp} ms (confidence ${message.confidence?.toFixed?.(2) ?? message.confidence})`);
      break;
    case 'Warning':
      logEvent(`Warning ${message.warning_code}: ${message.warning}`);
      break;
    case 'Error':
      current.error = message;
      logEvent(`Error ${message.error_code}: ${message.error}`);
      break;
    case 'Termination':
      logEvent(`Termination: ${message.audio_duration_seconds} s of audio, session ${message.session_duration_seconds} s`);
      break;
    default:
      logEvent(`${message.type} ${JSON.stringify(message)}`);
  }
}

function wordSpan(text, final) {
  const span = document.createElement('span');
  span.className = `word ${final ? 'final' : 'partial'}`;
  span.textContent = text;
  return span;
}

function renderTurn(current, turn) {
  let paragraph = current.turns.get(turn.turn_order);
  if (!paragraph) {
    paragraph = document.createElement('p');
    paragraph.className = 'turn';
    paragraph.dataset.turn = turn.turn_order;
    $('transcript').append(paragraph);
    current.turns.set(turn.turn_order, paragraph);
  }
  const words = turn.words ?? [];
  // A formatted end of turn carries its capitals and full stop in `transcript`, not in the words.
  const spans =
    turn.end_of_turn && turn.turn_is_formatted && turn.transcript
      ? turn.transcript.split(/\s+/).filter(Boolean).map((text) => wordSpan(text, true))
      : words.map((word) => wordSpan(word.text, word.word_is_final));
  paragraph.replaceChildren(...spans.flatMap((span, index) => (index === 0 ? [span] : [' ', span])));
  if (turn.end_of_turn) {
    paragraph.classList.add('ended');
    const note = document.createElement('span');
    note.className = 'eot';
    const lastEnd = words.at(-1)?.end;
    // How long after the last word's end (in audio time) the turn was declared over.
    const after = lastEnd === undefined ? '' : ` · ${Math.max(0, Math.round(current.sentMs - lastEnd))} ms after the last word`;
    note.textContent = `end of turn · confidence ${Number(turn.end_of_turn_confidence).toFixed(2)}${after}`;
    paragraph.append(note);
  }
}

function onClose(current, event) {
  current.stopAudio();
  showLevel(0);
  session = null;
  document.body.dataset.closeCode = String(event.code);
  const words = CLOSE_WORDS[event.code] ?? 'unknown close code';
  const error = current.error ? ` — Error ${current.error.error_code}: ${current.error.error}` : event.reason ? ` — ${event.reason}` : '';
  logEvent(`closed ${event.code} (${words})${event.reason ? ` reason "${event.reason}"` : ''}`);
  setState('closed', `Closed ${event.code}: ${words}${error}`, event.code === 1000 ? '' : 'error');
}

function send(message) {
  if (session?.socket?.readyState !== WebSocket.OPEN) return;
  session.socket.send(JSON.stringify(message));
  logEvent(`sent ${JSON.stringify(message)}`);
}

function terminate() {
  if (!session || session.terminated) return;
  session.stopAudio();
  send({ type: 'Terminate' });
  session.terminated = true;
  setState('terminating', 'Terminate sent: waiting for the last words…');
}

async function microphone(onFrame) {
  // getUserMedia and AudioWorklet exist in secure contexts only; a file needs neither.
  if (!window.isSecureContext || !navigator.mediaDevices) throw new Error('the microphone needs https:// or localhost; drop a file instead');
  // The raw signal: browser clean-up (echo cancellation, noise suppression, gain) is not what a
  // server's users send, and it pumps the level between words.
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const context = new AudioContext();
  await context.audioWorklet.addModule('/playground/pcm-worklet.js');
  const node = new AudioWorkletNode(context, 'pcm-framer', { numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { targetRate: SAMPLE_RATE, frameMs: FRAME_MS } });
  node.port.onmessage = (event) => {
    showLevel(event.data.peak);
    onFrame(event.data.pcm);
  };
  context.createMediaStreamSource(stream).connect(node);
  await context.resume();
  logEvent(`microphone: ${stream.getAudioTracks()[0]?.label || 'default'} at ${context.sampleRate} Hz → ${SAMPLE_RATE} Hz, ${FRAME_MS} ms frames`);
  return () => {
    node.port.onmessage = null;
    for (const track of stream.getTracks()) track.stop();
    context.close();
  };
}

function fileSource(file) {
  return async (onFrame) => {
    const decoder = new AudioContext();
    let decoded;
    try {
      decoded = await decoder.decodeAudioData(await file.arrayBuffer());
    } finally {
      decoder.close();
    }
    // The browser's own resampler and down-mix: an offline 16 kHz mono context renders the file.
    const offline = new OfflineAudioContext(1, Math.ceil(decoded.duration * SAMPLE_RATE), SAMPLE_RATE);
    const player = offline.createBufferSource();
    player.buffer = decoded;
    player.connect(offline.destination);
    player.start();
    const samples = (await offline.startRendering()).getChannelData(0);
    logEvent(`file: ${file.name}, ${decoded.duration.toFixed(1)} s at ${decoded.sampleRate} Hz, streamed at real time`);
    const frameLength = (SAMPLE_RATE * FRAME_MS) / 1000;
    let stopped = false;
    const started = performance.now();
    (async () => {
      for (let index = 0, offset = 0; offset < samples.length && !stopped; index++, offset += frameLength) {
        const chunk = samples.subarray(offset, offset + frameLength);
        const pcm = new Int16Array(chunk.length);
        let peak = 0;
        for (let i = 0; i < chunk.length; i++) {
          const value = Math.max(-1, Math.min(1, chunk[i]));
          peak = Math.max(peak, Math.abs(value));
          pcm[i] = value < 0 ? value * 0x8000 : value * 0x7fff;
        }
        showLevel(peak);
        onFrame(pcm.buffer);
        await new Promise((resolve) => setTimeout(resolve, started + (index + 1) * FRAME_MS - performance.now()));
      }
      if (!stopped) {
        logEvent('end of file');
        terminate();
      }
    })();
    return () => {
      stopped = true;
    };
  };
}

buttons.start.addEventListener('click', () => start(microphone));
buttons.update.addEventListener('click', () => send(configurationUpdate()));
buttons.force.addEventListener('click', () => send({ type: 'ForceEndpoint' }));
buttons.terminate.addEventListener('click', terminate);

const drop = $('drop');
drop.addEventListener('click', () => $('file').click());
$('file').addEventListener('change', () => $('file').files[0] && start(fileSource($('file').files[0])));
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer.files[0];
  if (file) start(fileSource(file));
});
setState('idle', 'Idle.');
