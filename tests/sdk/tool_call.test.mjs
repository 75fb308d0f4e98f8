// gst-gemini-live SDK conformance: a tool call round trip
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The server asks for a declared function, waits for the SDK's
// sendToolResponse with the matching id, and only then speaks the answer.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  collectReply, isTurnComplete, normalizeText, scenarioFile, sleep, withServer,
} from './harness.mjs';

const CONFIG = {
  responseModalities: ['AUDIO'],
  outputAudioTranscription: {},
  tools: [{
    functionDeclarations: [{
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: {
        type: 'OBJECT',
        properties: { city: { type: 'STRING', description: 'City name' } },
        required: ['city'],
      },
    }],
  }],
};

test('a blocking tool call is answered with sendToolResponse and the reply follows', async () => {
  await withServer(assert, { scenario: scenarioFile('tool-call.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'tool', config: CONFIG });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);

    session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }] });
    const callAt = await tap.waitForMessage((m) => !!m.toolCall, 'toolCall');
    const calls = tap.messages[callAt].toolCall.functionCalls;
    assert.equal(calls.length, 1, `one scripted call, got ${JSON.stringify(calls)}`);
    const [call] = calls;
    assert.equal(call.name, 'get_weather');
    assert.ok(typeof call.id === 'string' && call.id.length > 0, `function call id missing: ${JSON.stringify(call)}`);
    assert.deepEqual(call.args, { city: 'Paris' });

    // A blocking call holds the answer back until its result arrives.
    await sleep(700);
    const early = collectReply(tap.messages, callAt + 1);
    assert.equal(early.audioParts + early.transcript.length, 0,
        `the model spoke before the tool response was sent: ${tap.summary()}`);

    const answeredAt = tap.messages.length;
    session.sendToolResponse({
      functionResponses: [{ id: call.id, name: call.name, response: { sky: 'sunny', temperatureCelsius: 21 } }],
    });
    const done = await tap.waitForMessage(isTurnComplete, 'turnComplete after the tool response', answeredAt);
    const reply = collectReply(tap.messages, answeredAt, done + 1);
    assert.ok(reply.audioParts > 0, `no spoken answer after the tool response: ${tap.summary()}`);
    assert.equal(normalizeText(reply.transcript), normalizeText('It is sunny in Paris, twenty one degrees.'));
  });
});
