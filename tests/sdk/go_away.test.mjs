// gst-gemini-live SDK conformance: goAway and the close that follows
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The real service announces the end of a connection with goAway {timeLeft}
// and closes it with 1011 "Deadline expired before operation could complete."
// once that time is up (protocol.md, "Service behaviours").

import assert from 'node:assert/strict';
import test from 'node:test';

import { scenarioFile, withServer } from './harness.mjs';

const TIME_LEFT_S = 1.5;  // go_away_time_left_ms in scenarios/go-away.json

test('goAway announces the time left, then the server closes with 1011', async () => {
  await withServer(assert, { scenario: scenarioFile('go-away.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'go-away', config: { responseModalities: ['AUDIO'] } });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);

    const at = await tap.waitForMessage((m) => !!m.goAway, 'goAway');
    const announced = Date.now();
    const { timeLeft } = tap.messages[at].goAway;
    assert.match(String(timeLeft), /^\d+(\.\d{1,9})?s$/, `goAway.timeLeft must be a proto3 JSON Duration, got ${JSON.stringify(timeLeft)}`);
    assert.equal(parseFloat(timeLeft), TIME_LEFT_S, 'goAway.timeLeft must be what the scenario configured');

    const close = await tap.waitForClose();
    const waited = (Date.now() - announced) / 1000;
    assert.equal(close.code, 1011, `close after goAway: ${tap.describeClose()}`);
    assert.equal(close.reason, 'Deadline expired before operation could complete.');
    // Only a lower bound: a loaded machine may close later, never much earlier.
    assert.ok(waited >= TIME_LEFT_S / 2, `closed ${waited.toFixed(2)} s after goAway, before the announced ${timeLeft}`);
  });
});
