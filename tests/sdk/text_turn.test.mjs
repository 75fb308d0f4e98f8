// gst-gemini-live SDK conformance: text turns
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Both ways the SDK sends text (clientContent turns and realtimeInput.text)
// must each get their own spoken reply, in scenario order.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  OUTPUT_MIME, collectReply, findIndex, isGenerationComplete, isTurnComplete, normalizeText,
  scenarioFile, withServer,
} from './harness.mjs';

const CONFIG = { responseModalities: ['AUDIO'], outputAudioTranscription: {} };

function checkReply (tap, from, to, expected) {
  const reply = collectReply(tap.messages, from, to + 1);
  assert.ok(reply.audioParts > 0, `no audio for "${expected}"`);
  assert.deepEqual([...reply.mimeTypes], [OUTPUT_MIME]);
  assert.equal(normalizeText(reply.transcript), normalizeText(expected),
      `transcription of the reply, got ${JSON.stringify(reply.transcript)}`);
  const generated = findIndex(tap.messages, isGenerationComplete, from);
  assert.ok(generated >= 0 && generated < to, `generationComplete must precede turnComplete: ${tap.summary()}`);
}

test('clientContent and realtimeInput.text each get a spoken reply', async () => {
  await withServer(assert, { scenario: scenarioFile('text-turn.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'text', config: CONFIG });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);

    const start = tap.messages.length;
    session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'Hello, who are you?' }] }], turnComplete: true });
    const first = await tap.waitForMessage(isTurnComplete, 'turnComplete of the clientContent turn', start);
    checkReply(tap, start, first, 'Hello from the first scripted answer.');

    session.sendRealtimeInput({ text: 'What time is it?' });
    const second = await tap.waitForMessage(isTurnComplete, 'turnComplete of the realtimeInput.text turn', first + 1);
    checkReply(tap, first + 1, second, 'The second answer says it is noon.');
  });
});
