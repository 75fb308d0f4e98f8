// gst-gemini-live conformance checker: does the checker itself catch what it must?
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Each case names the frame, the direction and the JSON path plus reason
// fragment the checker must report (or null when the frame is valid). A
// checker that accepted everything, or rejected for the wrong reason, fails.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NOT_YET_PUBLISHED, validateFrame } from './schema.mjs';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

const AUDIO = { mimeType: 'audio/pcm;rate=16000', data: 'AAECAw==' };

const cases = [
  // --- must pass
  ['valid audio', 'client', { realtimeInput: { audio: AUDIO } }, null],
  ['valid setup with the allowlisted SDK fields', 'client',
    { setup: { model: 'models/x', generationConfig: { enableAffectiveDialog: true },
      proactivity: { proactiveAudio: true } } }, null],
  ['int64 as a decimal string', 'client',
    { setup: { model: 'm', contextWindowCompression: { triggerTokens: '25600' } } }, null],
  ['int64 as a number', 'client',
    { setup: { model: 'm', contextWindowCompression: { triggerTokens: 25600 } } }, null],
  ['server usage beside serverContent', 'server',
    { serverContent: { turnComplete: true }, usageMetadata: { totalTokenCount: 3 } }, null],
  ['server snake_case names are proto3 JSON', 'server',
    { server_content: { turn_complete: true } }, null],
  ['Struct args take any object', 'server',
    { toolCall: { functionCalls: [{ id: 'a', name: 'f', args: { deep: [1, { x: null }] } }] } }, null],
  ['url context metadata with every status', 'server',
    { serverContent: { urlContextMetadata: { urlMetadata: ['SUCCESS', 'ERROR', 'PAYWALL', 'UNSAFE',
      'UNSPECIFIED'].map((s, i) => ({ retrievedUrl: `https://example.org/${i}`,
      urlRetrievalStatus: `URL_RETRIEVAL_STATUS_${s}` })) } } }, null],
  ['waiting for input', 'server', { serverContent: { waitingForInput: true } }, null],
  ['the SDK\'s newer setup fields', 'client',
    { setup: { model: 'm', generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' },
      translationConfig: { targetLanguageCode: 'de', echoTargetLanguage: false } },
      historyConfig: { initialHistoryInClientContent: true },
      proactivity: { proactiveAudio: true, proactiveVideo: false },
      realtimeInputConfig: { turnCoverage: 'TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO' },
      inputAudioTranscription: { languageCodes: ['en-US'], customVocabulary: ['GStreamer'],
        mode: 'SMART' },
      tools: [{ mcpServers: [{ name: 'w', streamableHttpTransport: { url: 'https://x' } }] }] } },
    null],
  ['contextUpdate', 'client', { contextUpdate: { systemInstruction: { parts: [{ text: 'x' }] },
    tools: { tools: [{ googleSearch: {} }] } } }, null],
  ['the SDK\'s newer server fields', 'server',
    { serverContent: { turnComplete: true, interactionStatus: 'IDLE',
      interimInputTranscription: { text: 'wie' },
      inputTranscription: { text: 'Wie', languageCode: 'de', startOffset: '1.5s', endOffset: '2s',
        finished: true } },
      usageMetadata: { totalTokenCount: 1, serviceTier: 'STANDARD' } }, null],
  ['setupComplete.sessionId', 'server', { setupComplete: { sessionId: 's' } }, null],
  ['voiceActivity in both spellings', 'server',
    { voiceActivity: { voiceActivityType: 'ACTIVITY_START', type: 'ACTIVITY_START',
      audioOffset: '0.5s' } }, null],
  ['lastConsumedClientMessageIndex', 'server',
    { sessionResumptionUpdate: { newHandle: 'h', resumable: true,
      lastConsumedClientMessageIndex: '12' } }, null],

  // --- must fail, for the right reason
  ['unknown field', 'client',
    { setup: { model: 'm', generationConfig: { speakingRate: 1 } } },
    ['setup.generationConfig.speakingRate', 'unknown field']],
  ['unknown top-level key', 'server', { voiceActivityX: {} }, ['voiceActivityX', 'unknown field']],
  ['wrong type: bool as string', 'client', { realtimeInput: { audioStreamEnd: 'yes' } },
    ['realtimeInput.audioStreamEnd', 'bool']],
  ['wrong type: string as number', 'client', { realtimeInput: { text: 5 } },
    ['realtimeInput.text', 'string expected']],
  ['wrong type: message as array', 'client', { setup: [] }, ['setup', 'expected an object']],
  ['wrong type: repeated as scalar', 'client',
    { setup: { model: 'm', generationConfig: { responseModalities: 'AUDIO' } } },
    ['setup.generationConfig.responseModalities', 'array']],
  ['int32 as a string', 'server', { usageMetadata: { totalTokenCount: '3' } },
    ['usageMetadata.totalTokenCount', 'integer number']],
  ['int32 out of range', 'server', { usageMetadata: { totalTokenCount: 2 ** 40 } },
    ['usageMetadata.totalTokenCount', 'out of range']],
  ['int64 string with junk', 'client',
    { setup: { model: 'm', contextWindowCompression: { triggerTokens: '12k' } } },
    ['setup.contextWindowCompression.triggerTokens', 'decimal string']],
  ['bad enum', 'client',
    { setup: { model: 'm', generationConfig: { responseModalities: ['SMELL'] } } },
    ['setup.generationConfig.responseModalities[0]', 'not a value of enum Modality']],
  ['enum as number', 'client',
    { setup: { model: 'm', generationConfig: { mediaResolution: 1 } } },
    ['setup.generationConfig.mediaResolution', 'not a value of enum']],
  ['bad base64', 'client', { realtimeInput: { audio: { mimeType: 'audio/pcm', data: 'AB$=' } } },
    ['realtimeInput.audio.data', 'base64']],
  ['url status that is not a value of the enum', 'server',
    { serverContent: { urlContextMetadata: { urlMetadata: [{ retrievedUrl: 'https://example.org/',
      urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_BLOCKED' }] } } },
    ['serverContent.urlContextMetadata.urlMetadata[0].urlRetrievalStatus', 'not a value of enum']],
  ['waitingForInput as a string', 'server', { serverContent: { waitingForInput: 'yes' } },
    ['serverContent.waitingForInput', 'bool']],
  ['Duration as a number', 'server', { goAway: { timeLeft: 10 } }, ['goAway.timeLeft', 'Duration']],
  ['Duration without unit', 'server', { goAway: { timeLeft: '10' } }, ['goAway.timeLeft', 'Duration']],
  ['two top-level keys', 'client', { setup: { model: 'm' }, realtimeInput: { text: 'x' } },
    ['(top level)', 'exactly one top-level key']],
  ['no top-level key', 'client', {}, ['(top level)', 'exactly one top-level key']],
  ['two oneof members on the server', 'server', { setupComplete: {}, goAway: { timeLeft: '1s' } },
    ['(top level)', 'oneof messageType']],
  ['snake_case from our client', 'client', { realtime_input: { text: 'x' } },
    ['realtime_input', 'snake_case']],
  ['null from our client', 'client', { realtimeInput: { text: null } },
    ['realtimeInput.text', 'null']],
  ['allowlisted field with a wrong type', 'client',
    { setup: { model: 'm', generationConfig: { enableAffectiveDialog: 'yes' } } },
    ['setup.generationConfig.enableAffectiveDialog', 'bool']],
  ['unknown field inside the allowlisted proactivity', 'client',
    { setup: { model: 'm', proactivity: { proactiveSmell: true } } },
    ['setup.proactivity.proactiveSmell', 'unknown field']],
  ['a thinking level no Live model takes', 'client',
    { setup: { model: 'm', generationConfig: { thinkingConfig: { thinkingLevel: 'XHIGH' } } } },
    ['setup.generationConfig.thinkingConfig.thinkingLevel', 'not a value of enum ThinkingLevel']],
  ['transcription mode that does not exist', 'client',
    { setup: { model: 'm', outputAudioTranscription: { mode: 'LOOSE' } } },
    ['setup.outputAudioTranscription.mode', 'not a value of enum AudioTranscriptionConfigMode']],
  ['a tool inside contextUpdate is still a Tool', 'client',
    { contextUpdate: { tools: { tools: [{ googleSerch: {} }] } } },
    ['contextUpdate.tools.tools[0].googleSerch', 'unknown field of Tool']],
  ['an offset that is not a Duration', 'server',
    { serverContent: { inputTranscription: { text: 'a', startOffset: 5 } } },
    ['serverContent.inputTranscription.startOffset', 'Duration']],
  ['an interaction status that does not exist', 'server',
    { serverContent: { interactionStatus: 'BUSY' } },
    ['serverContent.interactionStatus', 'not a value of enum InteractionStatus']],
  ['a Transcription field nobody listed', 'server',
    { serverContent: { outputTranscription: { text: 'a', confidence: 1 } } },
    ['serverContent.outputTranscription.confidence', 'unknown field']],
  ['allowlist is per message, not global', 'client',
    { setup: { model: 'm', enableAffectiveDialog: true } },
    ['setup.enableAffectiveDialog', 'unknown field']],
  ['a frame that is not an object', 'server', [1, 2], ['(top level)', 'must be a JSON object']],
];

let failures = 0;
// Every field accepted beyond the protos names where it comes from.
function checkSources(entries, at) {
  for (const [field, [check, source]] of Object.entries(entries)) {
    if (typeof source !== 'string' || source.length < 10) {
      process.stdout.write(`FAIL ${at}.${field} has no source\n`);
      failures++;
    }
    if (check.fields)
      checkSources(check.fields, `${at}.${field}`);
  }
}
for (const [message, entries] of Object.entries(NOT_YET_PUBLISHED))
  checkSources(entries, message);
for (const [name, direction, frame, expected] of cases) {
  const problems = validateFrame(direction, frame);
  const shown = JSON.stringify(problems);
  let ok;
  if (expected === null) {
    ok = problems.length === 0;
  } else {
    const [path, reason] = expected;
    ok = problems.some((p) => p.path === path && p.reason.includes(reason));
  }
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: got ${shown}`}\n`);
  if (!ok)
    failures++;
}
// The command line: exit status and the report naming frame index and path.
const cli = [
  ['cli rejects a bad frame', ['client', here('negative/client-unknown-field.json')], 1,
    'frame 0 (', 'setup.generationConfig.speakingRate: unknown field'],
  ['cli names the failing frame among several (stdin)', ['client'], 1, 'frame 1 (stdin line 2)',
    'realtimeInput.text: string expected',
    '{"realtimeInput":{"text":"ok"}}\n{"realtimeInput":{"text":1}}\n'],
  ['cli accepts a good frame', ['server', here('wire/server-go-away.json')], 0, '1 of 1', ''],
  ['cli refuses a bad direction', ['sideways'], 2, '', ''],
];
for (const [name, args, status, mustSay, mustSayToo, input] of cli) {
  const run = spawnSync(process.execPath, [here('validate.mjs'), ...args], { input: input ?? '', encoding: 'utf8' });
  const ok = run.status === status && run.stdout.includes(mustSay) && run.stdout.includes(mustSayToo);
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: status ${run.status}, output ${run.stdout}${run.stderr}`}\n`);
  if (!ok)
    failures++;
}
const total = cases.length + cli.length;
process.stdout.write(`${total - failures} of ${total} self-test cases passed\n`);
process.exit(failures === 0 ? 0 : 1);
