// gst-gemini-live benchmark: turns bench/run.sh's results.jsonl into the
// Markdown tables of docs/performance.md. With --check (the CI smoke) it also
// verifies the run is complete and sane, with no timing assertions: every
// session connected and got audio both ways, nothing was lost, every number
// is present and positive.
// SPDX-License-Identifier: LGPL-2.1-or-later

import fs from 'node:fs';

const args = process.argv.slice(2);
const check = args[0] === '--check';
const file = check ? args[1] : args[0];
if (!file) {
  console.error('usage: report.mjs [--check] results.jsonl');
  process.exit(2);
}
const rows = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
  try {
    return JSON.parse(l);
  } catch (err) {
    console.error(`report.mjs: line ${i + 1} of ${file} is not JSON: ${l.slice(0, 200)}`);
    process.exit(1);
  }
});

const f = (x, d = 1) => (typeof x === 'number' && isFinite(x) ? x.toFixed(d) : 'n/a');
const machine = rows.find((r) => r.impl === 'machine');
const latency = rows.find((r) => r.impl === 'latency');
const ours = rows.filter((r) => r.impl === 'geminilive');
const sdk = rows.filter((r) => r.impl === 'genai-sdk');
// bench-floor: the same workload on bare libsoup + GLib, the least any client
// on libsoup can spend (geminilive's stack: ours / floor is what the element adds).
const floor = rows.filter((r) => r.impl === 'libsoup-floor');
// bench-raw-floor: the same workload without libsoup or GLib's main loop
// (epoll, the bench's own WebSocket framing): what this machine can do at all.
const rawFloor = rows.filter((r) => r.impl === 'raw-epoll-floor');
const byImpl = { 'geminilive': ours, 'genai-sdk': sdk, 'libsoup-floor': floor, 'raw-epoll-floor': rawFloor };

const out = [];
if (machine) {
  out.push(`Machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.mem_mb} MB, Linux ${machine.kernel}; ` +
      `GStreamer ${machine.gstreamer}, libsoup ${machine.libsoup}, json-glib ${machine.json_glib}, ` +
      `${machine.compiler}, node ${machine.node}; buildtype ${machine.buildtype}; fd limit ${machine.fd_limit}` +
      (sdk[0] ? `; @google/genai ${sdk[0].sdk_version}` : ''), '');
}
if (latency) {
  out.push(`### Added latency (${latency.frames} frames per direction, one every ${latency.interval_us} µs)`, '',
      '| path | geminilive p50 / p99 / max (µs) | bare libsoup p50 / p99 / max (µs) | added p50 / p99 (µs) |',
      '|---|---|---|---|');
  for (const [name, el, base] of [['server frame → src pad', latency.down, latency.down_baseline],
    ['sink buffer → frame at peer', latency.up, latency.up_baseline]]) {
    out.push(`| ${name} | ${f(el.p50_us)} / ${f(el.p99_us)} / ${f(el.max_us)} | ` +
        `${f(base.p50_us)} / ${f(base.p99_us)} / ${f(base.max_us)} | ` +
        `${f(el.p50_us - base.p50_us)} / ${f(el.p99_us - base.p99_us)} |`);
  }
  out.push('');
}

// Growth above each process's own base (its HWM before the first session):
// the base itself moves by up to 0.8 MB between processes (library loading),
// which at N = 100 would be +-8 kB per session of noise.
const perExtra = (list, r) => {
  const one = list.find((x) => x.sessions === 1);
  if (!one || r.connected <= 1)
    return NaN;
  return ((r.hwm_kb - r.base_hwm_kb) - (one.hwm_kb - one.base_hwm_kb)) / (r.connected - 1);
};
const realTime = (r) => {
  const inLost = r.peer ? r.in_pushed - r.peer.in_samples_min : NaN;
  const late = r.impl === 'geminilive' ? `, late ${r.late_buffers}, underruns ${r.underruns}` : '';
  // Compressed frames are not the same workload (bench/peer_server.cpp).
  const compressed = r.peer && r.peer.compressed_sessions > 0
    ? `; **permessage-deflate on ${r.peer.compressed_sessions} sessions**` : '';
  return `${r.out_ok_sessions}/${r.connected} out${late}; in: ${isFinite(inLost) ? Math.max(0, inLost) : 'n/a'} samples short` +
      `; feeder late ticks ${r.feeder_late_ticks}${compressed}`;
};
if (ours.length || sdk.length || floor.length || rawFloor.length) {
  out.push('### Scale (each session: 16 kHz in, 24 kHz out, real time)', '',
      '| N | client | connected | window (s) | CPU-s per session-minute | peak RSS (MB) | kB per session | kB per extra session (vs N=1) | threads | kept real time | error |',
      '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of [...ours, ...sdk, ...floor, ...rawFloor].sort((a, b) => a.sessions - b.sessions || a.impl.localeCompare(b.impl))) {
    const list = byImpl[r.impl];
    out.push(`| ${r.sessions} | ${r.impl} | ${r.connected} | ${f(r.window_s)} | ${f(r.cpu_per_session_min, 4)} | ` +
        `${f(r.hwm_kb / 1024)} | ${f(r.connected ? (r.hwm_kb - r.base_hwm_kb) / r.connected : NaN)} | ` +
        `${f(perExtra(list, r))} | ${r.threads} | ${realTime(r)} | ${(r.error || '').slice(0, 80)} |`);
  }
  out.push('');
}
if (ours.length && (sdk.length || floor.length)) {
  const perSession = (r) => (r.hwm_kb - r.base_hwm_kb) / r.connected;
  const ratio = (a, b, d) => (b ? `${f(a, d)} / ${f(b, d)} = ${f(a / b, 2)}` : 'n/a');
  out.push('### geminilive / @google/genai (lower is better for us), / libsoup floor (a minimal client on libsoup), and each floor / the SDK (what the stack allows)', '',
      '| N | CPU per session-minute, ours / theirs | kB per session, ours / theirs | ' +
      'CPU per session-minute, ours / libsoup floor | kB per session, ours / libsoup floor | ' +
      'CPU, libsoup floor / SDK | CPU, raw epoll floor / SDK |',
      '|---|---|---|---|---|---|---|');
  const cpu = (list, n) => { const x = list.find((y) => y.sessions === n); return x && x.cpu_per_session_min; };
  for (const r of ours) {
    const s = sdk.find((x) => x.sessions === r.sessions);
    const fl = floor.find((x) => x.sessions === r.sessions);
    if (!s && !fl)
      continue;
    out.push(`| ${r.sessions} | ${ratio(r.cpu_per_session_min, s && s.cpu_per_session_min, 4)} | ` +
        `${ratio(perSession(r), s && perSession(s), 1)} | ${ratio(r.cpu_per_session_min, fl && fl.cpu_per_session_min, 4)} | ` +
        `${ratio(perSession(r), fl && perSession(fl), 1)} | ` +
        `${ratio(cpu(floor, r.sessions), s && s.cpu_per_session_min, 4)} | ` +
        `${ratio(cpu(rawFloor, r.sessions), s && s.cpu_per_session_min, 4)} |`);
  }
  out.push('');
}
// The same sessions through one gst-launch-1.0 (bench/launch_cost.py): the
// pipeline a user writes, with that pipeline's own cost (identity in place
// of geminilive) beside it, and the SDK at the same N for reference.
const launched = rows.filter((r) => r.impl === 'launch-geminilive');
const launchBase = rows.filter((r) => r.impl === 'launch-identity');
if (launched.length) {
  out.push('### Through gst-launch-1.0 (audiotestsrc ! tee, N x queue ! geminilive ! fakesink sync=true, 20 ms buffers)', '',
      '| N | geminilive pipeline: CPU-s per session-minute | same pipeline with identity | net of the pipeline | SDK at this N | net / SDK | RSS (MB), geminilive / identity | error |',
      '|---|---|---|---|---|---|---|---|');
  for (const r of launched) {
    const base = launchBase.find((x) => x.sessions === r.sessions);
    const s = sdk.find((x) => x.sessions === r.sessions);
    const net = base ? r.cpu_s_per_session_min - base.cpu_s_per_session_min : NaN;
    out.push(`| ${r.sessions} | ${f(r.cpu_s_per_session_min, 4)} | ${f(base && base.cpu_s_per_session_min, 4)} | ` +
        `${f(net, 4)} | ${f(s && s.cpu_per_session_min, 4)} | ${s ? f(net / s.cpu_per_session_min, 2) : 'n/a'} | ` +
        `${f(r.rss_kb / 1024)} / ${f(base && base.rss_kb / 1024)} | ${((r.error || '') + (base && base.error ? ' identity: ' + base.error : '')).slice(0, 80)} |`);
  }
  out.push('');
}
console.log(out.join('\n'));

if (check) {
  const problems = [];
  if (!machine)
    problems.push('no machine line');
  if (!latency)
    problems.push('no latency result');
  else {
    for (const key of ['down', 'down_baseline', 'up', 'up_baseline']) {
      const p = latency[key];
      if (!p || p.count === 0 || p.lost !== 0 || !(p.p50_us > 0) || !(p.p99_us >= p.p50_us) || !(p.max_us >= p.p99_us))
        problems.push(`latency ${key}: ${JSON.stringify(p)}`);
    }
  }
  for (const [name, list] of Object.entries(byImpl)) {
    if (list.length === 0)
      problems.push(`no ${name} scale result`);
    for (const r of list) {
      const where = `${name} N=${r.sessions}`;
      if (r.connected !== r.sessions || r.failed_sessions !== 0)
        problems.push(`${where}: ${r.connected} connected, ${r.failed_sessions} failed: ${r.error}`);
      if (!(r.cpu_s > 0) || !(r.cpu_per_session_min > 0))
        problems.push(`${where}: no CPU time measured`);
      if (!(r.hwm_kb > 0) || !(r.hwm_kb >= r.base_hwm_kb))
        problems.push(`${where}: bad VmHWM ${r.hwm_kb} (base ${r.base_hwm_kb})`);
      if (!(r.out_min > 0))
        problems.push(`${where}: a session received no audio in the window`);
      if (!r.peer || r.peer.sessions !== r.sessions || !(r.peer.in_samples_min > 0) || r.peer.bad_frames !== 0 ||
          r.peer.compressed_sessions !== 0)
        problems.push(`${where}: the peer saw ${JSON.stringify(r.peer)}`);
    }
  }
  for (const r of [...launched, ...launchBase]) {
    if (r.error || !(r.cpu_s > 0) || !(r.rss_kb > 0))
      problems.push(`${r.impl} N=${r.sessions}: ${r.error || 'no CPU or RSS measured'}`);
  }
  if (!launched.length || !launchBase.length)
    problems.push('no gst-launch-1.0 result (launch-geminilive and launch-identity)');
  if (problems.length) {
    console.error(`report.mjs: the benchmark output is not sane:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.error('report.mjs: smoke check passed');
}
