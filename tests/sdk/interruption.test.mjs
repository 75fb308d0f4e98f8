// gst-gemini-live SDK conformance: interruption (barge-in)
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Real barge-in: with real-time reply pacing, the SDK streams speech at
// microphone pace while a long reply is playing; the server must send
// `interrupted`, drop the rest of that reply and answer the new turn.
// Scripted barge-in (--fast, interrupt_after_ms) checks the same wire shape
// without depending on wall-clock pacing.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  collectReply, isInterrupted, isTurnComplete, normalizeText, scenarioFile, sleep, streamWav,
  testDataFile, withServer,
} from './harness.mjs';

const CONFIG = { responseModalities: ['AUDIO'], outputAudioTranscription: {} };
const hasAudio = (m) => !!(m.serverContent && m.serverContent.modelTurn &&
    (m.serverContent.modelTurn.parts || []).some((p) => p.inlineData));

test('speech during a paced reply interrupts it and starts a new turn', async () => {
  await withServer(assert, { scenario: scenarioFile('interruption.json'), fast: false }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'barge-in', config: CONFIG });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);

    session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'Tell me a long story.' }] }] });
    await tap.waitForMessage(hasAudio, 'the first audio of the long reply');

    // Speak over the reply at microphone pace, as a user would.
    await streamWav(session, testDataFile('question-16k.wav'), { chunkMs: 40, paced: true });
    session.sendRealtimeInput({ audioStreamEnd: true });

    const interruptedAt = await tap.waitForMessage(isInterrupted, 'serverContent.interrupted');
    const cut = collectReply(tap.messages, 0, interruptedAt);
    assert.ok(cut.audioParts > 0, 'the long reply had started before the interruption');
    assert.ok(!normalizeText(cut.transcript).includes('finale'),
        `the whole long reply was sent before "interrupted": ${JSON.stringify(cut.transcript)}`);

    // The barge-in is a turn of its own and gets the next scripted answer.
    let from = interruptedAt + 1;
    let answer = '';
    for (let tries = 0; tries < 3 && !answer.includes('short answer'); tries++) {
      const done = await tap.waitForMessage(isTurnComplete, 'turnComplete of the barge-in turn', from);
      answer = normalizeText(collectReply(tap.messages, interruptedAt + 1, done + 1).transcript);
      from = done + 1;
    }
    assert.ok(answer.includes('you interrupted me so here is a short answer'),
        `the barge-in turn must be answered; after "interrupted" the transcription was ${JSON.stringify(answer)}`);
    const everything = normalizeText(collectReply(tap.messages).transcript);
    assert.ok(!everything.includes('purple elephant finale'),
        'the rest of the interrupted reply must be dropped, but its last words were sent');
  });
});

test('a scripted interruption sends interrupted and drops the rest of the reply', async () => {
  await withServer(assert, { scenario: scenarioFile('interruption-forced.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'forced', config: CONFIG });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);

    session.sendRealtimeInput({ text: 'Say something long.' });
    const interruptedAt = await tap.waitForMessage(isInterrupted, 'serverContent.interrupted');
    const cut = collectReply(tap.messages, 0, interruptedAt);
    assert.ok(cut.audioParts > 0, 'some reply audio must precede the interruption');
    const seconds = cut.audioBytes / 2 / 24000;
    assert.ok(seconds < 4, `interrupt_after_ms 500 yet ${seconds.toFixed(2)} s of audio went out first`);

    await sleep(1500);
    const after = collectReply(tap.messages, interruptedAt + 1);
    assert.equal(after.audioParts, 0, `audio of the interrupted reply arrived after "interrupted": ${tap.summary()}`);
    assert.ok(!normalizeText(cut.transcript + after.transcript).includes('finale'),
        'the words after the interruption point were sent');
  });
});
