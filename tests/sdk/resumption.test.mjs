// gst-gemini-live SDK conformance: session resumption
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// With config.sessionResumption the server hands out handles; reconnecting
// with the newest one restores the conversation (the scenario's turn counter
// proves it: the resumed session gets the second scripted answer). Like the
// real service, it refuses unknown handles (1008) and a resumption while the
// session's earlier connection is still open (1011).

import assert from 'node:assert/strict';
import test from 'node:test';

import { collectReply, isTurnComplete, normalizeText, scenarioFile, withServer } from './harness.mjs';

const CONFIG = { responseModalities: ['AUDIO'], outputAudioTranscription: {}, sessionResumption: {} };
const isResumableUpdate = (m) => !!(m.sessionResumptionUpdate && m.sessionResumptionUpdate.resumable &&
    m.sessionResumptionUpdate.newHandle);

function newestHandle (tap) {
  const updates = tap.messages.filter(isResumableUpdate);
  assert.ok(updates.length > 0, `no resumable sessionResumptionUpdate: ${tap.summary()}`);
  const handle = updates[updates.length - 1].sessionResumptionUpdate.newHandle;
  assert.equal(typeof handle, 'string');
  return handle;
}

async function askAndHear (session, tap, question, expected) {
  const from = tap.messages.length;
  session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: question }] }] });
  const done = await tap.waitForMessage(isTurnComplete, `turnComplete for "${question}"`, from);
  assert.equal(normalizeText(collectReply(tap.messages, from, done + 1).transcript), normalizeText(expected));
  return from;
}

test('reconnecting with the newest handle restores the session', async () => {
  await withServer(assert, { scenario: scenarioFile('resumption.json') }, async ({ connect }) => {
    const first = await connect({ label: 'first connection', config: CONFIG });
    assert.ok(first.session, `setup was refused: ${first.tap.describeClose()}`);
    const turnStart = await askAndHear(first.session, first.tap, 'First question?', 'First answer, before the reconnect.');
    // The handle to resume with is the one issued after the turn.
    await first.tap.waitForMessage(isResumableUpdate, 'a sessionResumptionUpdate after the first turn', turnStart);
    const handle = newestHandle(first.tap);

    first.session.close();
    await first.tap.waitForClose();

    const resumed = await connect({ label: 'resumed connection', config: { ...CONFIG, sessionResumption: { handle } } });
    assert.ok(resumed.session, `resumption with a valid handle was refused: ${resumed.tap.describeClose()}`);
    await askAndHear(resumed.session, resumed.tap, 'Second question?', 'Second answer, after resuming the session.');
    await resumed.tap.waitForMessage(isResumableUpdate, 'a sessionResumptionUpdate on the resumed connection');
  });
});

test('an unknown handle is refused with 1008', async () => {
  await withServer(assert, { scenario: scenarioFile('resumption.json') }, async ({ connect }) => {
    const { session, tap } = await connect({
      label: 'unknown handle',
      config: { ...CONFIG, sessionResumption: { handle: 'no-such-session-handle' } },
    });
    assert.equal(session, null, 'a setup with an unknown handle must not complete');
    assert.equal(tap.closeEvent.code, 1008, `unknown handle: ${tap.describeClose()}`);
    assert.match(tap.closeEvent.reason, /session not found/i);
  });
});

test('resuming while the earlier connection is open is refused with 1011', async () => {
  await withServer(assert, { scenario: scenarioFile('resumption.json') }, async ({ connect }) => {
    const first = await connect({ label: 'first connection', config: CONFIG });
    assert.ok(first.session, `setup was refused: ${first.tap.describeClose()}`);
    await first.tap.waitForMessage(isResumableUpdate, 'a sessionResumptionUpdate');
    const handle = newestHandle(first.tap);

    const early = await connect({ label: 'early resumption', config: { ...CONFIG, sessionResumption: { handle } } });
    assert.equal(early.session, null, 'resumption while the session is still connected must be refused');
    assert.equal(early.tap.closeEvent.code, 1011, `early resumption: ${early.tap.describeClose()}`);
    assert.equal(first.tap.closeEvent, null, 'the refused resumption must leave the open connection alone');

    // Closing the old socket first, as the protocol notes advise, then works.
    first.session.close();
    await first.tap.waitForClose();
    const resumed = await connect({ label: 'resumed connection', config: { ...CONFIG, sessionResumption: { handle } } });
    assert.ok(resumed.session, `resumption after the close was refused: ${resumed.tap.describeClose()}`);
    await askAndHear(resumed.session, resumed.tap, 'First question?', 'First answer, before the reconnect.');
  });
});
