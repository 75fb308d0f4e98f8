// gst-gemini-live benchmark: the reference workload through the official
// @google/genai Node SDK (the copy pinned in tests/sdk). N sessions in this
// one node process, each sending 16 kHz audio in 40 ms realtimeInput frames
// at real time (the same frames geminilive puts on the wire) and decoding
// every received inlineData from base64 into a Buffer, against bench-peer.
// CPU (process.cpuUsage = getrusage of this process) and peak RSS (VmHWM)
// are measured exactly as bench-scale measures them.
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// stdout: one JSON line (read by bench/report.mjs); stderr: a human summary.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const here = path.dirname(new URL(import.meta.url).pathname);
const INPUT_RATE = 16000;
const FRAME_MS = 40;
const CONNECT_BATCH = 100;
const CONNECT_TIMEOUT_MS = 120000;

function parseArgs (argv) {
  const opts = { sessions: 2, seconds: 5, warmup: 2, outChunkMs: 100, leadMs: 200, peer: null };
  const names = { '--sessions': 'sessions', '-n': 'sessions', '--seconds': 'seconds', '-s': 'seconds',
    '--warmup': 'warmup', '--out-chunk-ms': 'outChunkMs', '--lead-ms': 'leadMs', '--peer': 'peer' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length)
      throw new Error(`unknown or incomplete option ${argv[i]}`);
    opts[key] = key === 'peer' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!opts.peer || !(opts.sessions >= 1) || !(opts.seconds > 0) || !(opts.warmup >= 0))
    throw new Error('needs --peer PATH, --sessions >= 1, --seconds > 0');
  return opts;
}

function statusKb (field) {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

function cpuSeconds () {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function loadSdk () {
  const require = createRequire(path.join(here, '..', 'tests', 'sdk', 'package.json'));
  let cjs;
  try {
    cjs = require.resolve('@google/genai');
  } catch (err) {
    throw new Error(`@google/genai is not installed in tests/sdk (run \`npm ci --prefix tests/sdk\`): ${err.message}`);
  }
  // What an ESM application on node imports (exports["."].node.import).
  const mod = await import(pathToFileURL(path.join(path.dirname(cjs), 'index.mjs')).href);
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(cjs), '..', '..', 'package.json'), 'utf8'));
  return { GoogleGenAI: mod.GoogleGenAI, version: pkg.version };
}

async function startPeer (binary, outChunkMs, leadMs) {
  const child = spawn(binary, ['--port', '0', '--out-chunk-ms', String(outChunkMs), '--lead-ms', String(leadMs)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await Promise.race([iterator.next(),
    new Promise((_, reject) => child.once('error', reject)),
    sleep(30000).then(() => { throw new Error(`${binary} did not print its address`); })]);
  const match = first.value && /^listening on ws:\/\/(\S+)$/.exec(first.value);
  if (!match) {
    child.kill('SIGKILL');
    throw new Error(`${binary} did not start: ${JSON.stringify(first.value)}`);
  }
  return {
    baseUrl: `http://${match[1]}`,
    async stop () {
      child.kill('SIGTERM');
      const report = await Promise.race([iterator.next(), sleep(10000).then(() => ({ value: null }))]);
      child.kill('SIGKILL');
      return report.value ? JSON.parse(report.value) : null;
    },
  };
}

function tonePcm (samples, rate) {
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    buf.writeInt16LE(Math.round(3000 * Math.sin(2 * Math.PI * 440 * i / rate)), i * 2);
  return buf;
}

async function main () {
  const opts = parseArgs(process.argv);
  const { GoogleGenAI, version } = await loadSdk();
  const peer = await startPeer(opts.peer, opts.outChunkMs, opts.leadMs);
  const baseHwm = statusKb('VmHWM');
  const cpuBeforeSetup = cpuSeconds();

  const ai = new GoogleGenAI({ apiKey: 'bench-key', httpOptions: { baseUrl: peer.baseUrl, apiVersion: 'v1beta' } });
  const clients = [];
  let setupFailure = '';
  const setupStart = performance.now();
  for (let i = 0; i < opts.sessions && !setupFailure; i += CONNECT_BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(opts.sessions, i + CONNECT_BATCH); j++) {
      const client = { samples: 0, closed: null, session: null };
      clients.push(client);
      batch.push(ai.live.connect({
        model: 'gemini-2.5-flash-native-audio-preview-12-2025',
        config: { responseModalities: ['AUDIO'] },
        callbacks: {
          onmessage: (msg) => {
            for (const part of msg.serverContent?.modelTurn?.parts ?? []) {
              if (part.inlineData?.data)
                client.samples += Buffer.from(part.inlineData.data, 'base64').length / 2;
            }
          },
          onerror: (e) => { client.closed = client.closed || `error: ${e.message || e.error || e}`; },
          onclose: (e) => { client.closed = client.closed || `closed ${e.code} ${e.reason}`; },
        },
      }).then((s) => { client.session = s; }));
    }
    try {
      await Promise.race([Promise.all(batch), sleep(CONNECT_TIMEOUT_MS).then(() => {
        throw new Error('timed out waiting for setupComplete');
      })]);
    } catch (err) {
      setupFailure = `batch at session ${i}: ${err.message}`;
    }
  }
  const setupS = (performance.now() - setupStart) / 1000;
  const setupCpu = cpuSeconds() - cpuBeforeSetup;
  const live = clients.filter((c) => c.session && !c.closed);
  console.error(`sdk-driver: ${live.length}/${opts.sessions} sessions connected in ${setupS.toFixed(1)} s` +
      (setupFailure ? `; first failure: ${setupFailure}` : ''));

  // The microphone: every 40 ms each session sends 40 ms of audio, encoded
  // to base64 as an application would. Absolute deadlines: a slow tick does
  // not shift the later ones.
  const pcm = tonePcm(INPUT_RATE * FRAME_MS / 1000, INPUT_RATE);
  let ticks = 0, lateTicks = 0, maxLag = 0, running = true;
  const feedStart = performance.now();
  const tick = () => {
    if (!running)
      return;
    const due = feedStart + ticks * FRAME_MS;
    const lag = performance.now() - due;
    maxLag = Math.max(maxLag, lag);
    if (lag > FRAME_MS)
      lateTicks++;
    for (const c of live)
      c.session.sendRealtimeInput({ audio: { data: pcm.toString('base64'), mimeType: `audio/pcm;rate=${INPUT_RATE}` } });
    ticks++;
    setTimeout(tick, Math.max(0, feedStart + ticks * FRAME_MS - performance.now()));
  };
  tick();
  await sleep(opts.warmup * 1000);

  const before = live.map((c) => c.samples);
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await sleep(opts.seconds * 1000);
  const cpu1 = cpuSeconds();
  const t1 = performance.now();
  const after = live.map((c) => c.samples);
  const rssKb = statusKb('VmRSS');
  running = false;
  await sleep(1500);
  const hwmKb = statusKb('VmHWM');

  const windowS = (t1 - t0) / 1000;
  const expected = Math.floor(windowS * 24000);
  const tolerance = opts.outChunkMs * 24 * 2 + Math.floor(expected / 50);
  let outOk = 0, outMin = Infinity;
  for (let i = 0; i < live.length; i++) {
    const got = after[i] - before[i];
    outMin = Math.min(outMin, got);
    if (got + tolerance >= expected)
      outOk++;
  }
  const failed = clients.filter((c) => c.closed || !c.session);
  const teardownStart = performance.now();
  for (const c of live)
    c.session.close();
  await sleep(200);
  const teardownS = (performance.now() - teardownStart) / 1000;
  const peerReport = await peer.stop();
  const cpu = cpu1 - cpu0;
  const result = {
    impl: 'genai-sdk', sdk_version: version, node_version: process.version,
    sessions: opts.sessions, connected: live.length, setup_s: setupS, setup_cpu_s: setupCpu,
    window_s: windowS, cpu_s: cpu, cpu_per_session_min: live.length ? cpu / (live.length * windowS / 60) : 0,
    base_hwm_kb: baseHwm, hwm_kb: hwmKb, rss_kb: rssKb, threads: statusKb('Threads'),
    out_expected: expected, out_min: live.length ? outMin : 0, out_ok_sessions: outOk,
    in_pushed: ticks * pcm.length / 2, feeder_late_ticks: lateTicks, feeder_max_lag_ms: maxLag,
    failed_sessions: failed.length, teardown_s: teardownS,
    error: setupFailure || (failed[0] && failed[0].closed) || '', peer: peerReport,
  };
  console.error(`sdk-driver: N=${live.length} window ${windowS.toFixed(1)} s: ${cpu.toFixed(3)} CPU-s = ` +
      `${result.cpu_per_session_min.toFixed(4)} CPU-s per session-minute; VmHWM ${hwmKb} kB (base ${baseHwm} kB); ` +
      `${outOk}/${live.length} sessions kept real time out; feeder late ticks ${lateTicks} (max lag ${maxLag.toFixed(1)} ms); ` +
      `peer: ${JSON.stringify(peerReport)}`);
  console.log(JSON.stringify(result));
  process.exit(live.length === opts.sessions ? 0 : 1);
}

main().catch((err) => {
  console.error(`sdk-driver: ${err.stack || err}`);
  process.exit(1);
});
