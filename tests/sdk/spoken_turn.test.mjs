// gst-gemini-live SDK conformance: a full spoken turn
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The SDK streams a spoken question as realtime audio in 40 ms chunks, then
// audioStreamEnd; the reply must arrive as the real service sends it: 24 kHz
// speech with output transcription, then generationComplete, turnComplete and
// usage counts.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  OUTPUT_MIME, collectReply, findIndex, isGenerationComplete, isTurnComplete, normalizeText, rms,
  scenarioFile, sleep, streamWav, testDataFile, withServer,
} from './harness.mjs';

const CONFIG = {
  responseModalities: ['AUDIO'],
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
};

for (const wav of ['question-16k.wav', 'question-48k.wav']) {
test(`spoken question (${wav}) streamed by the SDK gets a spoken, transcribed, complete reply`, async () => {
  await withServer(assert, { scenario: scenarioFile('spoken-turn.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'spoken', config: CONFIG });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);
    assert.ok(tap.serverFrames.length > 0 && JSON.parse(tap.serverFrames[0].raw).setupComplete,
        `the first server frame must be setupComplete, got ${tap.serverFrames[0] && tap.serverFrames[0].raw}`);

    await streamWav(session, testDataFile(wav), { chunkMs: 40 });
    session.sendRealtimeInput({ audioStreamEnd: true });

    const done = await tap.waitForMessage(isTurnComplete, 'turnComplete');
    const generated = findIndex(tap.messages, isGenerationComplete);
    assert.ok(generated >= 0 && generated < done,
        `generationComplete must come before turnComplete; got ${tap.summary()}`);

    const reply = collectReply(tap.messages, 0, done + 1);
    assert.ok(reply.audioParts > 0, 'no audio parts in the reply');
    assert.deepEqual([...reply.mimeTypes], [OUTPUT_MIME], 'reply audio must be declared as 24 kHz PCM');
    assert.equal(reply.audioBytes % 2, 0, 'S16LE audio must have an even byte count');
    const seconds = reply.audioBytes / 2 / 24000;
    assert.ok(seconds > 0.8 && seconds < 30,
        `"The capital of France is Paris." spoken at 24 kHz lasts about 2 s, got ${seconds.toFixed(2)} s`);
    assert.ok(rms(reply.pcm) > 300, `reply audio is (nearly) silent: RMS ${rms(reply.pcm).toFixed(1)}`);

    const lastAudio = Math.max(...reply.order.filter((o) => o.kind === 'audio').map((o) => o.index));
    assert.ok(lastAudio < generated, 'audio arrived after generationComplete');
    assert.equal(normalizeText(reply.transcript), 'the capital of france is paris',
        `output transcription fragments must add up to the reply, got ${JSON.stringify(reply.transcript)}`);
    const firstTranscript = reply.order.find((o) => o.kind === 'transcript');
    assert.ok(firstTranscript.index < lastAudio,
        'output transcription must be streamed along with the audio, not after all of it');
    assert.ok(reply.inputTranscript.length > 0, 'inputAudioTranscription was requested but none arrived');

    // usageMetadata may ride on turnComplete or follow it as its own message.
    const usageAt = await tap.waitForMessage((m) => !!m.usageMetadata, 'usageMetadata');
    const usage = tap.messages[usageAt].usageMetadata;
    for (const field of ['promptTokenCount', 'responseTokenCount', 'totalTokenCount'])
      assert.ok(Number(usage[field]) > 0, `usageMetadata.${field} must be a positive count: ${JSON.stringify(usage)}`);
    assert.ok(Number(usage.totalTokenCount) >= Number(usage.promptTokenCount) + Number(usage.responseTokenCount),
        `totalTokenCount must cover prompt + response: ${JSON.stringify(usage)}`);

    // The VAD may already have ended the turn on the trailing silence;
    // audioStreamEnd must then not produce a second reply.
    await sleep(1500);
    const turns = tap.messages.filter(isTurnComplete).length;
    assert.equal(turns, 1, `one question must get one reply, got ${turns} turnComplete: ${tap.summary()}`);
  });
});
}
