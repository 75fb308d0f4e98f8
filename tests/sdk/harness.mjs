// gst-gemini-live SDK conformance harness
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Runs gemini-live-server on a random loopback port and drives it with the
// official @google/genai SDK. Every frame is captured where it crosses the
// SDK's own WebSocket: the raw payload the server sent (before the SDK parses
// it) and the exact string the SDK sent. Those raw frames, not the SDK's
// parsed objects, are what gets validated against the official protos,
// because the SDK's parsing would hide unknown fields and wrong types.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

let GoogleGenAI;
try {
  ({ GoogleGenAI } = await import('@google/genai'));
} catch (err) {
  console.error('The official SDK is not installed next to the tests (' +
      err.message + '). Run `npm ci --prefix tests/sdk` once.');
  process.exit(1);
}

export const MODEL = 'gemini-2.5-flash-native-audio-preview-12-2025';
export const OUTPUT_MIME = 'audio/pcm;rate=24000';

// Generous on purpose: the tests run on a loaded 2-core machine.
const SERVER_START_TIMEOUT_MS = 30000;
export const EVENT_TIMEOUT_MS = 45000;

function requireEnv (name) {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with \`meson test -C BUILDDIR --suite sdk\``);
  return value;
}

export function testDataFile (name) {
  const file = path.join(requireEnv('GEMINI_LIVE_TEST_DATA'), name);
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: build the project first (ninja -C BUILDDIR)`);
  return file;
}

export function scenarioFile (name) {
  return path.join(path.dirname(new URL(import.meta.url).pathname), 'scenarios', name);
}

// Servers still running; killed if the test process is stopped (a meson
// timeout, Ctrl-C) so no server outlives its test.
const liveServers = new Set();
process.on('exit', () => { for (const child of liveServers) child.kill('SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => process.exit(1));

// A running gemini-live-server. Its stderr is kept so that a failing test
// can show what the server said.
export class LocalServer {
  static async start ({ scenario = null, fast = true, args = [] } = {}) {
    const binary = requireEnv('GEMINI_LIVE_SERVER');
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-sdk-'));
    const recordFile = path.join(workDir, 'client-frames.jsonl');
    const argv = ['--port', '0', '--record', recordFile];
    if (fast)
      argv.push('--fast');
    else
      argv.push('--realtime');
    if (scenario)
      argv.push('--scenario', scenario);
    argv.push(...args);

    const server = new LocalServer();
    server.workDir = workDir;
    server.recordFile = recordFile;
    server.stderr = '';
    server.child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    server.child.stderr.setEncoding('utf8');
    server.child.stderr.on('data', (chunk) => { server.stderr += chunk; });
    server.exited = once(server.child, 'exit');
    liveServers.add(server.child);
    const forget = () => liveServers.delete(server.child);
    server.exited.then(forget, forget);

    const lines = readline.createInterface({ input: server.child.stdout });
    let firstLine;
    try {
      firstLine = await withTimeout(once(lines, 'line').then(([l]) => l),
          SERVER_START_TIMEOUT_MS, () => `${binary} printed no "listening on" line; stderr:\n${server.stderr}`,
          server.exited.then(([code, signal]) => {
            throw new Error(`${binary} ${argv.join(' ')} exited (code ${code}, signal ${signal}) before listening; stderr:\n${server.stderr}`);
          }, (err) => {
            throw new Error(`cannot run ${binary}: ${err.message}`);
          }));
    } catch (err) {
      server.child.kill('SIGKILL');
      fs.rmSync(workDir, { recursive: true, force: true });
      throw err;
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    lines.on('line', () => {});
    const match = /^listening on ws:\/\/([^:/\s]+):(\d+)\/?$/.exec(firstLine);
    if (!match) {
      await server.stop();
      throw new Error(`unexpected first stdout line from the server: ${JSON.stringify(firstLine)}`);
    }
    server.host = match[1];
    server.port = Number(match[2]);
    return server;
  }

  get baseUrl () {
    return `http://${this.host}:${this.port}`;
  }

  // Stops the server and returns every client frame it recorded. Reading the
  // record only after exit guarantees it is complete.
  async stop () {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    const recorded = fs.existsSync(this.recordFile)
      ? fs.readFileSync(this.recordFile, 'utf8').split('\n').filter((l) => l.length > 0)
      : [];
    fs.rmSync(this.workDir, { recursive: true, force: true });
    return recorded;
  }
}

// Races `promise` against a timeout (and optionally against `abort`, a
// promise that rejects when waiting is pointless).
export function withTimeout (promise, ms, describe, abort = null) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${describe()}`)), ms);
  });
  const racers = [promise, timeout];
  if (abort)
    racers.push(abort);
  return Promise.race(racers).finally(() => clearTimeout(timer));
}

// One SDK connection with everything that crossed its WebSocket.
export class TappedConnection {
  constructor (label) {
    this.label = label;
    this.url = null;
    this.serverFrames = [];   // { raw: string, binary: bool }
    this.clientFrames = [];   // strings exactly as the SDK sent them
    this.messages = [];       // LiveServerMessage objects from onmessage
    this.closeEvent = null;
    this.errors = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
  }

  notify () {
    this.waiters = this.waiters.filter((w) => !w.check());
  }

  // Resolves with the index of the first parsed message at or after `from`
  // for which `predicate` holds.
  waitForMessage (predicate, what, from = 0) {
    return withTimeout(new Promise((resolve, reject) => {
      const check = () => {
        for (let i = from; i < this.messages.length; i++) {
          if (predicate(this.messages[i])) {
            resolve(i);
            return true;
          }
        }
        if (this.closeEvent) {
          reject(new Error(`${this.label}: connection closed (${this.describeClose()}) before ${what}; ` +
              `received: ${this.summary()}`));
          return true;
        }
        return false;
      };
      if (!check())
        this.waiters.push({ check });
    }), EVENT_TIMEOUT_MS, () => `${this.label}: waiting for ${what}; received: ${this.summary()}`);
  }

  waitForClose (timeoutMs = EVENT_TIMEOUT_MS) {
    return withTimeout(this.closed, timeoutMs,
        () => `${this.label}: waiting for the server to close; received: ${this.summary()}`);
  }

  describeClose () {
    if (!this.closeEvent)
      return 'open';
    return `code ${this.closeEvent.code}, reason ${JSON.stringify(this.closeEvent.reason)}`;
  }

  summary () {
    return this.messages.map(describeMessage).join(', ') || '(nothing)';
  }
}

// A short human-readable name for a server message, for failure reports.
export function describeMessage (msg) {
  const keys = Object.keys(msg).filter((k) => msg[k] !== undefined);
  const sc = msg.serverContent;
  if (sc) {
    const parts = Object.keys(sc).map((k) => k === 'modelTurn'
      ? `modelTurn[${(sc.modelTurn.parts || []).length}]` : k);
    return `serverContent{${parts.join(',')}}` + (msg.usageMetadata ? '+usage' : '');
  }
  return keys.join('+');
}

// An SDK client whose WebSocket factory is wrapped so that the raw frames in
// both directions are captured on their way through the SDK's own socket.
export function createTappedClient (baseUrl, apiKey = 'test-key') {
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl, apiVersion: 'v1beta' } });
  const factory = ai.live && ai.live.webSocketFactory;
  if (!factory || typeof factory.create !== 'function')
    throw new Error('this @google/genai version has no live.webSocketFactory to tap; update harness.mjs');

  ai.live.webSocketFactory = {
    create (url, headers, callbacks) {
      const tap = ai.pendingTap;
      if (!tap)
        throw new Error('connect through connectTapped() so the frames are captured');
      ai.pendingTap = null;
      tap.url = url;
      const wrapped = {
        onopen: callbacks.onopen,
        onmessage: (event) => {
          // ws hands text frames over as strings, binary frames as Buffers.
          const binary = typeof event.data !== 'string';
          const raw = binary ? Buffer.from(event.data).toString('utf8') : event.data;
          tap.serverFrames.push({ raw, binary });
          callbacks.onmessage(event);
        },
        onerror: (event) => {
          tap.errors.push(event.message || String(event.error || event));
          callbacks.onerror(event);
        },
        onclose: (event) => {
          tap.closeEvent = { code: event.code, reason: String(event.reason || '') };
          callbacks.onclose(event);
          tap.resolveClosed(tap.closeEvent);
          tap.notify();
        },
      };
      const conn = factory.create(url, headers, wrapped);
      const send = conn.send.bind(conn);
      conn.send = (message) => {
        tap.clientFrames.push(message);
        send(message);
      };
      return conn;
    },
  };
  return ai;
}

// Connects with the SDK and resolves once setupComplete arrived. The SDK's
// connect() waits for setupComplete forever, so a close before it (a refused
// setup) is raced in and reported as { session: null, tap } with the close.
export async function connectTapped (ai, { label = 'session', config = {}, model = MODEL } = {}) {
  const tap = new TappedConnection(label);
  ai.pendingTap = tap;
  const connecting = ai.live.connect({
    model,
    config,
    callbacks: {
      onmessage: (msg) => {
        tap.messages.push(msg);
        tap.notify();
      },
      onerror: () => {},
      onclose: () => {},
    },
  });
  const session = await withTimeout(
      Promise.race([connecting, tap.closed.then(() => null)]),
      EVENT_TIMEOUT_MS, () => `${label}: no setupComplete; received: ${tap.summary()}`);
  return { session, tap };
}

// Runs tests/conformance/validate.mjs over frames (one JSON document per
// line on stdin) and returns { ok, report }.
export async function validateFrames (direction, frames) {
  if (frames.length === 0)
    return { ok: true, code: 0, report: 'no frames' };
  const validator = requireEnv('GEMINI_LIVE_VALIDATOR');
  if (!fs.existsSync(validator))
    throw new Error(`validator ${validator} does not exist yet`);
  const child = spawn(process.execPath, [validator, direction], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  child.stdin.on('error', () => {});  // a validator that exits early is reported by its code
  child.stdin.end(frames.map((f) => f + '\n').join(''));
  const [code] = await withTimeout(once(child, 'exit'), 60000, () => 'validate.mjs did not finish');
  return { ok: code === 0, code, report: output };
}

// The wire checks every test ends with. `recorded` is what the server's
// --record file holds; `taps` are all connections the test made.
export async function checkWireConformance (assert, recorded, taps) {
  const serverFrames = taps.flatMap((t) => t.serverFrames);
  const sdkSent = taps.flatMap((t) => t.clientFrames);

  for (const [i, frame] of serverFrames.entries()) {
    assert.ok(frame.binary, `server frame ${i} was a TEXT frame; the service sends binary frames: ${frame.raw.slice(0, 200)}`);
    assert.ok(!frame.raw.includes('\n'), `server frame ${i} is not compact JSON (contains a newline)`);
    let parsed;
    assert.doesNotThrow(() => { parsed = JSON.parse(frame.raw); },
        `server frame ${i} is not JSON: ${frame.raw.slice(0, 200)}`);
    assert.ok(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed),
        `server frame ${i} is not a JSON object: ${frame.raw.slice(0, 200)}`);
  }

  assert.ok(recorded.length > 0, 'the server recorded no client frames (--record)');
  const server = await validateFrames('server', serverFrames.map((f) => f.raw));
  assert.ok(server.ok, `server frames do not validate as BidiGenerateContentServerMessage ` +
      `(validate.mjs exit ${server.code}):\n${server.report}`);

  // The record must be exactly what the SDK sent, or validating it proves nothing.
  assert.deepStrictEqual([...recorded].sort(), [...sdkSent].sort(),
      'the server\'s --record file differs from the frames the SDK sent');
  const client = await validateFrames('client', recorded);
  assert.ok(client.ok, `client frames sent by @google/genai do not validate as ` +
      `BidiGenerateContentClientMessage (validate.mjs exit ${client.code}):\n${client.report}`);
  console.log(`# wire: ${serverFrames.length} server frames and ${recorded.length} client frames ` +
      `validated over ${taps.length} connection(s) (${taps.map((t) => t.url.replace(/key=[^&]*/, 'key=REDACTED')).join(', ')})`);
}

// S16LE mono PCM of a RIFF/WAVE file, read from its chunks (never assuming a
// 44-byte header).
export function readWav (file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${file} is not a RIFF/WAVE file`);
  let format = null;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      format = {
        encoding: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format || format.encoding !== 1 || format.channels !== 1 || format.bits !== 16)
        throw new Error(`${file}: expected 16-bit PCM mono, got ${JSON.stringify(format)}`);
      return { rate: format.rate, pcm: buf.subarray(body, Math.min(body + size, buf.length)) };
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file} has no data chunk`);
}

export function splitPcm (pcm, rate, chunkMs) {
  const bytes = Math.round(rate * chunkMs / 1000) * 2;
  const chunks = [];
  for (let off = 0; off < pcm.length; off += bytes)
    chunks.push(pcm.subarray(off, Math.min(off + bytes, pcm.length)));
  return chunks;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Streams a WAV file as realtimeInput audio in `chunkMs` pieces; with
// `paced` each chunk waits its own duration, as a microphone would.
export async function streamWav (session, file, { chunkMs = 40, paced = false, shouldStop = () => false } = {}) {
  const { rate, pcm } = readWav(file);
  for (const chunk of splitPcm(pcm, rate, chunkMs)) {
    if (shouldStop())
      break;
    session.sendRealtimeInput({ audio: { data: chunk.toString('base64'), mimeType: `audio/pcm;rate=${rate}` } });
    await (paced ? sleep(chunkMs) : new Promise((resolve) => setImmediate(resolve)));
  }
  return rate;
}

// What one reply looked like on the wire, from parsed messages [from, to).
export function collectReply (messages, from = 0, to = messages.length) {
  const reply = { audioBytes: 0, audioParts: 0, mimeTypes: new Set(), transcript: '', inputTranscript: '',
    pcm: [], order: [] };
  for (let i = from; i < to; i++) {
    const sc = messages[i].serverContent;
    if (!sc)
      continue;
    for (const part of (sc.modelTurn && sc.modelTurn.parts) || []) {
      if (part.inlineData) {
        const bytes = Buffer.from(part.inlineData.data || '', 'base64');
        reply.audioBytes += bytes.length;
        reply.audioParts++;
        reply.mimeTypes.add(part.inlineData.mimeType);
        reply.pcm.push(bytes);
        reply.order.push({ kind: 'audio', index: i });
      }
    }
    if (sc.outputTranscription && sc.outputTranscription.text) {
      reply.transcript += sc.outputTranscription.text;
      reply.order.push({ kind: 'transcript', index: i });
    }
    if (sc.inputTranscription && sc.inputTranscription.text)
      reply.inputTranscript += sc.inputTranscription.text;
  }
  return reply;
}

// Root mean square of S16LE samples: real speech is far from zero.
export function rms (buffers) {
  let sum = 0;
  let n = 0;
  for (const b of buffers) {
    for (let off = 0; off + 1 < b.length; off += 2) {
      const s = b.readInt16LE(off);
      sum += s * s;
      n++;
    }
  }
  return n ? Math.sqrt(sum / n) : 0;
}

export const normalizeText = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

export const findIndex = (messages, predicate, from = 0) => {
  for (let i = from; i < messages.length; i++)
    if (predicate(messages[i]))
      return i;
  return -1;
};

export const isTurnComplete = (m) => !!(m.serverContent && m.serverContent.turnComplete);
export const isGenerationComplete = (m) => !!(m.serverContent && m.serverContent.generationComplete);
export const isInterrupted = (m) => !!(m.serverContent && m.serverContent.interrupted);

// Runs `body(server, ai, taps)` against a fresh server, then closes every
// connection cleanly (so the server has read every frame the SDK sent),
// stops the server and checks everything that crossed the wire.
export async function withServer (assert, options, body) {
  const server = await LocalServer.start(options);
  const ai = createTappedClient(server.baseUrl);
  const taps = [];
  const connect = async (opts) => {
    const result = await connectTapped(ai, opts);
    taps.push(result.tap);
    result.tap.session = result.session;
    return result;
  };
  let recorded;
  try {
    await body({ server, ai, connect, taps });
    for (const tap of taps) {
      if (!tap.closeEvent && tap.session) {
        tap.session.close();
        await tap.waitForClose(15000);
      }
    }
  } catch (err) {
    err.message += `\n--- gemini-live-server stderr (tail) ---\n${server.stderr.slice(-4000)}`;
    throw err;
  } finally {
    for (const tap of taps)
      if (!tap.closeEvent && tap.session)
        tap.session.close();
    recorded = await server.stop();
  }
  await checkWireConformance(assert, recorded, taps);
}
