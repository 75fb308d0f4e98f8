// gst-gemini-live SDK conformance: the newer Live models
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The official SDK against gemini-live-server with extended thinking, the
// translate model and the transcribe model: the SDK's own setup (thinkingLevel,
// translationConfig, transcription hints, TEXT) is accepted or refused as the
// service does, the SDK parses what the server sends for them
// (interactionStatus, transcription languageCode and offsets), and every frame
// both ways validates against the schema extended with the SDK's newer fields.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  findIndex, isTurnComplete, scenarioFile, streamWav, testDataFile, withServer,
} from './harness.mjs';

const EXTENDED = 'gemini-3.8-live-extended-thinking';
const status = (m) => m.serverContent && m.serverContent.interactionStatus;

test('extended thinking: refused without a level, then a filler, IN_PROGRESS and IDLE', async () => {
  await withServer(assert, {}, async ({ connect }) => {
    const refused = await connect({ label: 'no level', model: EXTENDED,
      config: { responseModalities: ['AUDIO'] } });
    assert.equal(refused.session, null, 'a setup without thinkingLevel was accepted');
    await refused.tap.waitForClose();
    assert.equal(refused.tap.closeEvent.code, 1007);
    assert.equal(refused.tap.closeEvent.reason, 'Thinking level must be specified for this model');

    const { session, tap } = await connect({ label: 'high', model: EXTENDED,
      config: { responseModalities: ['AUDIO'], thinkingConfig: { thinkingLevel: 'HIGH' },
        outputAudioTranscription: {} } });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);
    session.sendRealtimeInput({ text: 'Why is the sky blue?' });
    const idle = await tap.waitForMessage((m) => status(m) === 'IDLE', 'interactionStatus IDLE');
    const inProgress = findIndex(tap.messages, (m) => status(m) === 'IN_PROGRESS');
    assert.ok(inProgress >= 0 && inProgress < idle, `no IN_PROGRESS before IDLE: ${tap.summary()}`);
    assert.ok(isTurnComplete(tap.messages[inProgress]) && isTurnComplete(tap.messages[idle]));
    const audioAfter = findIndex(tap.messages, (m) => !!(m.serverContent && m.serverContent.modelTurn),
        inProgress);
    assert.ok(audioAfter > inProgress && audioAfter < idle, 'the answer must follow the filler');
  });
});

test('translate model: target-language speech with transcripts in both languages', async () => {
  await withServer(assert, { scenario: scenarioFile('models.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'translate', model: 'gemini-3.5-live-translate-preview',
      config: { responseModalities: ['AUDIO'], inputAudioTranscription: {}, outputAudioTranscription: {},
        translationConfig: { targetLanguageCode: 'fr', echoTargetLanguage: false } } });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);
    await streamWav(session, testDataFile('question-16k.wav'));
    session.sendRealtimeInput({ audioStreamEnd: true });
    await tap.waitForMessage(isTurnComplete, 'turnComplete');
    const input = tap.messages.find((m) => m.serverContent && m.serverContent.inputTranscription);
    const output = tap.messages.filter((m) => m.serverContent && m.serverContent.outputTranscription);
    assert.equal(input.serverContent.inputTranscription.text, 'What is the capital of France?');
    assert.equal(input.serverContent.inputTranscription.languageCode, 'en-US');
    assert.ok(output.length > 0 && output.every((m) => m.serverContent.outputTranscription.languageCode === 'fr'));
    assert.equal(output.map((m) => m.serverContent.outputTranscription.text).join(''),
        'Traduction : What is the capital of France?');
    assert.ok(tap.messages.some((m) => m.serverContent && m.serverContent.modelTurn), 'no speech');
  });
});

test('transcribe model: TEXT with hints, the transcript with offsets and no speech', async () => {
  await withServer(assert, { scenario: scenarioFile('models.json') }, async ({ connect }) => {
    const { session, tap } = await connect({ label: 'transcribe', model: 'gemini-3.5-transcribe-live',
      config: { responseModalities: ['TEXT'],
        inputAudioTranscription: { languageCodes: ['en-US'], customVocabulary: ['France'], mode: 'SMART' } } });
    assert.ok(session, `setup was refused: ${tap.describeClose()}`);
    await streamWav(session, testDataFile('question-16k.wav'));
    session.sendRealtimeInput({ audioStreamEnd: true });
    const done = await tap.waitForMessage(isTurnComplete, 'turnComplete');
    const text = findIndex(tap.messages, (m) => !!(m.serverContent && m.serverContent.inputTranscription));
    assert.ok(text >= 0 && text < done, `no transcript before turnComplete: ${tap.summary()}`);
    const t = tap.messages[text].serverContent.inputTranscription;
    assert.equal(t.text, 'What is the capital of France?');
    assert.match(t.startOffset, /^\d+(\.\d+)?s$/);
    assert.ok(parseFloat(t.endOffset) > parseFloat(t.startOffset), `offsets ${t.startOffset}..${t.endOffset}`);
    assert.equal(findIndex(tap.messages, (m) => !!(m.serverContent && m.serverContent.modelTurn)), -1);
  });
});
