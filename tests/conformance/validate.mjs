#!/usr/bin/env node
// gst-gemini-live conformance checker
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Usage: node validate.mjs client|server [FILE...]
// Each FILE holds one JSON frame; without files, frames are read from stdin,
// one JSON object per line. Every frame is checked strictly against
// BidiGenerateContentClientMessage / ...ServerMessage (see schema.mjs).
// Prints each failing frame's index, JSON path and reason; exits 0 only when
// every frame passes, 1 when one fails, 2 on bad usage.

import { readFileSync } from 'node:fs';
import { validateFrame } from './schema.mjs';

function usage(message) {
  process.stderr.write(`${message}\nusage: node validate.mjs client|server [FILE...]\n`);
  process.exit(2);
}

const [direction, ...files] = process.argv.slice(2);
if (direction !== 'client' && direction !== 'server')
  usage(`first argument must be "client" or "server", not ${JSON.stringify(direction)}`);

// [{ source, text }] in the order given
const frames = [];
if (files.length > 0) {
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      usage(`cannot read ${file}: ${e.message}`);
    }
    frames.push({ source: file, text });
  }
} else {
  const lines = readFileSync(0, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() !== '')
      frames.push({ source: `stdin line ${i + 1}`, text: line });
  });
}
if (frames.length === 0)
  usage('no frames to validate');

let failed = 0;
frames.forEach(({ source, text }, index) => {
  let problems;
  try {
    problems = validateFrame(direction, JSON.parse(text));
  } catch (e) {
    problems = [{ path: '(frame)', reason: `not valid JSON: ${e.message}` }];
  }
  if (problems.length === 0)
    return;
  failed++;
  process.stdout.write(`frame ${index} (${source}): INVALID ${direction} message\n`);
  for (const { path, reason } of problems)
    process.stdout.write(`  ${path}: ${reason}\n`);
});

process.stdout.write(`${frames.length - failed} of ${frames.length} ${direction} frame(s) valid\n`);
process.exit(failed === 0 ? 0 : 1);
