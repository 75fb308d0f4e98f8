// gst-gemini-live conformance checker
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Strict proto3-JSON validation of Live API frames against the official
// protos (npm @google-ai/generativelanguage, build/protos/protos.json),
// walked through protobufjs reflection. Stricter than a proto3 JSON parser on
// purpose: our client promises camelCase names, enum names and no nulls, so
// anything else is reported.

import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const PROTOS = require.resolve('@google-ai/generativelanguage/build/protos/protos.json');
const PACKAGE = 'google.ai.generativelanguage.v1beta';

const root = protobuf.Root.fromJSON(require(PROTOS));
root.resolveAll();

const MESSAGE_TYPES = {
  client: root.lookupType(`${PACKAGE}.BidiGenerateContentClientMessage`),
  server: root.lookupType(`${PACKAGE}.BidiGenerateContentServerMessage`),
};

// Fields newer than the published protos (4.1.0): the service takes or sends
// them and @google/genai's types have them. Accepted only here, by exact
// message and field, each checked as the SDK types it and naming its source.
// Remove an entry once the protos have it.
const SDK = '@google/genai 2.32.0 dist/genai.d.ts';

// Checkers for the shapes below; each is (value, path, ctx) => void.
const scalar = (type) => (value, path, ctx) => checkScalar(type, value, path, ctx);
const duration = (value, path, ctx) => WELL_KNOWN['google.protobuf.Duration'](value, path, ctx);
const enumOf = (name, values) => (value, path, ctx) => {
  if (typeof value !== 'string' || !values.includes(value))
    ctx.fail(path, `${JSON.stringify(value)} is not a value of enum ${name} (one of ${values.join(', ')})`);
};
const repeated = (check) => Object.assign((value, path, ctx) => {
  if (!Array.isArray(value))
    return ctx.fail(path, `repeated field must be an array, got ${describe(value)}`);
  value.forEach((inner, i) => check(inner, `${path}[${i}]`, ctx));
}, { fields: check.fields });
// A published message type, by its name in the package.
const message = (name) => (value, path, ctx) =>
  checkMessage(root.lookupType(`${PACKAGE}.${name}`), value, path, ctx);
// An object the protos do not have: its fields as [check, source] pairs.
// `fields` stays reachable from the checker so selftest.mjs can see every source.
const object = (name, fields) => Object.assign((value, path, ctx) => {
  if (!expectObject(value, path, ctx))
    return;
  for (const [key, inner] of Object.entries(value)) {
    if (fields[key])
      fields[key][0](inner, `${path}.${key}`, ctx);
    else
      ctx.fail(`${path}.${key}`, `unknown field of ${name}`);
  }
}, { fields });

const TRANSCRIPTION_MODE = ['MODE_UNSPECIFIED', 'VERBATIM', 'SMART'];

export const NOT_YET_PUBLISHED = {
  [`${PACKAGE}.BidiGenerateContentClientMessage`]: {
    contextUpdate: [object('LiveClientContextUpdate', {
      systemInstruction: [message('Content'), `${SDK} LiveClientContextUpdate.systemInstruction`],
      tools: [object('LiveClientContextUpdateTools', {
        tools: [repeated(message('Tool')), `${SDK} LiveClientContextUpdateTools.tools`],
      }), `${SDK} LiveClientContextUpdate.tools`],
    }), `${SDK} LiveClientMessage.contextUpdate`],
  },
  [`${PACKAGE}.BidiGenerateContentSetup`]: {
    proactivity: [object('proactivity', {
      proactiveAudio: [scalar('bool'), `${SDK} ProactivityConfig.proactiveAudio`],
      // Not in the SDK's ProactivityConfig yet; ../shared/protocol.md lists it as seen on the service.
      proactiveVideo: [scalar('bool'), '../shared/protocol.md "Fields newer than the published protos"'],
    }), `${SDK} LiveClientSetup.proactivity`],
    historyConfig: [object('HistoryConfig', {
      initialHistoryInClientContent: [scalar('bool'), `${SDK} HistoryConfig.initialHistoryInClientContent`],
    }), `${SDK} LiveClientSetup.historyConfig`],
  },
  [`${PACKAGE}.GenerationConfig`]: {
    enableAffectiveDialog: [scalar('bool'), `${SDK} GenerationConfig.enableAffectiveDialog`],
    translationConfig: [object('TranslationConfig', {
      targetLanguageCode: [scalar('string'), `${SDK} TranslationConfig.targetLanguageCode`],
      echoTargetLanguage: [scalar('bool'), `${SDK} TranslationConfig.echoTargetLanguage`],
    }), `${SDK} GenerationConfig.translationConfig`],
  },
  [`${PACKAGE}.ThinkingConfig`]: {
    thinkingLevel: [enumOf('ThinkingLevel', ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW',
      'MEDIUM', 'HIGH']), `${SDK} ThinkingConfig.thinkingLevel`],
  },
  [`${PACKAGE}.AudioTranscriptionConfig`]: {
    languageCodes: [repeated(scalar('string')), `${SDK} AudioTranscriptionConfig.languageCodes`],
    customVocabulary: [repeated(scalar('string')), `${SDK} AudioTranscriptionConfig.customVocabulary`],
    mode: [enumOf('AudioTranscriptionConfigMode', TRANSCRIPTION_MODE), `${SDK} AudioTranscriptionConfig.mode`],
  },
  [`${PACKAGE}.RealtimeInputConfig`]: {
    turnCoverage: [enumOf('TurnCoverage', ['TURN_COVERAGE_UNSPECIFIED', 'TURN_INCLUDES_ONLY_ACTIVITY',
      'TURN_INCLUDES_ALL_INPUT', 'TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO']),
    `${SDK} TurnCoverage (TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO is newer)`],
  },
  [`${PACKAGE}.Tool`]: {
    mcpServers: [repeated(object('McpServer', {
      name: [scalar('string'), `${SDK} McpServer.name`],
      // StreamableHttpTransport: url, headers, timeout, …; passed through as the user wrote it
      streamableHttpTransport: [(value, path, ctx) => { expectObject(value, path, ctx); },
        `${SDK} McpServer.streamableHttpTransport`],
    })), `${SDK} Tool.mcpServers`],
  },
  [`${PACKAGE}.BidiGenerateContentServerMessage`]: {
    voiceActivity: [object('VoiceActivity', {
      voiceActivityType: [enumOf('VoiceActivityType', ['TYPE_UNSPECIFIED', 'ACTIVITY_START',
        'ACTIVITY_END']), `${SDK} VoiceActivity.voiceActivityType`],
      // the Vertex wire names it `type` (../shared/protocol.md "More wire details")
      type: [enumOf('VoiceActivityType', ['TYPE_UNSPECIFIED', 'ACTIVITY_START', 'ACTIVITY_END']),
        '../shared/protocol.md "More wire details worth knowing"'],
      audioOffset: [duration, `${SDK} VoiceActivity.audioOffset`],
    }), `${SDK} LiveServerMessage.voiceActivity`],
  },
  [`${PACKAGE}.BidiGenerateContentSetupComplete`]: {
    sessionId: [scalar('string'), `${SDK} LiveServerSetupComplete.sessionId`],
  },
  [`${PACKAGE}.BidiGenerateContentServerContent`]: {
    // WAITING_FOR_INPUT is not in the SDK's enum; ../shared/protocol.md has seen it ("Models").
    interactionStatus: [enumOf('InteractionStatus', ['INTERACTION_STATUS_UNSPECIFIED', 'IN_PROGRESS',
      'REQUIRES_ACTION', 'IDLE', 'WAITING_FOR_INPUT']),
    `${SDK} LiveServerContent.interactionStatus; WAITING_FOR_INPUT: ../shared/protocol.md`],
    interimInputTranscription: [message('BidiGenerateContentTranscription'),
      `${SDK} LiveServerContent.interimInputTranscription`],
  },
  [`${PACKAGE}.BidiGenerateContentTranscription`]: {
    finished: [scalar('bool'), `${SDK} Transcription.finished`],
    languageCode: [scalar('string'), `${SDK} Transcription.languageCode`],
    startOffset: [duration, `${SDK} Transcription.startOffset`],
    endOffset: [duration, `${SDK} Transcription.endOffset`],
  },
  [`${PACKAGE}.UsageMetadata`]: {
    serviceTier: [enumOf('ServiceTier', ['UNSPECIFIED', 'FLEX', 'STANDARD', 'PRIORITY']),
      `${SDK} UsageMetadata.serviceTier`],
  },
  [`${PACKAGE}.SessionResumptionUpdate`]: {
    lastConsumedClientMessageIndex: [scalar('int64'),
      `${SDK} LiveServerSessionResumptionUpdate.lastConsumedClientMessageIndex`],
  },
};

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const UINT32 = { min: 0n, max: 2n ** 32n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };

const RANGES32 = { int32: INT32, sint32: INT32, sfixed32: INT32, uint32: UINT32, fixed32: UINT32 };
const RANGES64 = { int64: INT64, sint64: INT64, sfixed64: INT64, uint64: UINT64, fixed64: UINT64 };

function describe(value) {
  if (value === null)
    return 'null';
  if (Array.isArray(value))
    return 'an array';
  return `a ${typeof value}`;
}

function expectObject(value, path, ctx) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.fail(path, `expected an object, got ${describe(value)}`);
    return false;
  }
  return true;
}

function isBase64(text) {
  const standard = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  // proto3 JSON parsers also accept the URL-safe alphabet, padding optional
  const urlSafe = /^[A-Za-z0-9_-]*$/;
  return standard.test(text) || (urlSafe.test(text) && text.length % 4 !== 1);
}

function checkInteger(type, value, path, ctx) {
  const range = RANGES32[type] || RANGES64[type];
  let big;
  if (typeof value === 'number' && Number.isInteger(value)) {
    big = BigInt(value);
  } else if (typeof value === 'string' && RANGES64[type] && /^-?\d+$/.test(value)) {
    big = BigInt(value);
  } else {
    const wanted = RANGES64[type] ? 'an integer or a decimal string' : 'an integer number';
    ctx.fail(path, `${type} must be ${wanted}, got ${describe(value)} ${JSON.stringify(value)}`);
    return;
  }
  if (big < range.min || big > range.max)
    ctx.fail(path, `${type} value ${value} is out of range`);
}

function checkScalar(type, value, path, ctx) {
  if (RANGES32[type] || RANGES64[type])
    return checkInteger(type, value, path, ctx);
  switch (type) {
    case 'double':
    case 'float':
      if (typeof value === 'number' && Number.isFinite(value))
        return;
      if (['NaN', 'Infinity', '-Infinity'].includes(value))
        return;
      return ctx.fail(path, `${type} must be a number, got ${describe(value)}`);
    case 'bool':
      if (typeof value !== 'boolean')
        ctx.fail(path, `bool must be true or false, got ${describe(value)}`);
      return;
    case 'string':
      if (typeof value !== 'string')
        ctx.fail(path, `string expected, got ${describe(value)}`);
      return;
    case 'bytes':
      if (typeof value !== 'string')
        return ctx.fail(path, `bytes must be a base64 string, got ${describe(value)}`);
      if (!isBase64(value))
        ctx.fail(path, 'bytes value is not valid base64');
      return;
    default:
      ctx.fail(path, `unsupported scalar type ${type} in the schema`);
  }
}

// The well-known types have their own JSON forms.
const WELL_KNOWN = {
  'google.protobuf.Duration': (value, path, ctx) => {
    if (typeof value !== 'string' || !/^-?\d+(\.\d{1,9})?s$/.test(value))
      ctx.fail(path, `Duration must be a string like "10s" or "1.5s", got ${JSON.stringify(value)}`);
  },
  'google.protobuf.Timestamp': (value, path, ctx) => {
    const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
    if (typeof value !== 'string' || !rfc3339.test(value))
      ctx.fail(path, `Timestamp must be an RFC 3339 string, got ${JSON.stringify(value)}`);
  },
  'google.protobuf.Struct': (value, path, ctx) => { expectObject(value, path, ctx); },
  'google.protobuf.Value': () => {},
  'google.protobuf.ListValue': (value, path, ctx) => {
    if (!Array.isArray(value))
      ctx.fail(path, `ListValue must be an array, got ${describe(value)}`);
  },
  'google.protobuf.FieldMask': (value, path, ctx) => {
    if (typeof value !== 'string')
      ctx.fail(path, `FieldMask must be a string, got ${describe(value)}`);
  },
  'google.protobuf.Empty': (value, path, ctx) => {
    if (expectObject(value, path, ctx) && Object.keys(value).length > 0)
      ctx.fail(path, 'Empty must be {}');
  },
};

function snakeToCamel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function checkSingle(field, value, path, ctx) {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (typeof value !== 'string' || !Object.hasOwn(resolved.values, value))
      ctx.fail(path, `${JSON.stringify(value)} is not a value of enum ${resolved.name} `
          + `(one of ${Object.keys(resolved.values).join(', ')})`);
    return;
  }
  if (resolved instanceof protobuf.Type)
    return checkMessage(resolved, value, path, ctx);
  checkScalar(field.type, value, path, ctx);
}

function checkMapKey(keyType, key, path, ctx) {
  if (keyType === 'string')
    return;
  if (keyType === 'bool') {
    if (key !== 'true' && key !== 'false')
      ctx.fail(path, `map key ${JSON.stringify(key)} is not a bool`);
    return;
  }
  if (!/^-?\d+$/.test(key))
    return ctx.fail(path, `map key ${JSON.stringify(key)} is not a ${keyType}`);
  checkInteger(keyType, RANGES64[keyType] ? key : Number(key), path, ctx);
}

function checkField(field, value, path, ctx) {
  if (field.map) {
    if (!expectObject(value, path, ctx))
      return;
    for (const [key, inner] of Object.entries(value)) {
      checkMapKey(field.keyType, key, `${path}[${JSON.stringify(key)}]`, ctx);
      checkValue(field, inner, `${path}[${JSON.stringify(key)}]`, ctx);
    }
  } else if (field.repeated) {
    if (!Array.isArray(value))
      return ctx.fail(path, `repeated field must be an array, got ${describe(value)}`);
    value.forEach((inner, i) => checkValue(field, inner, `${path}[${i}]`, ctx));
  } else {
    checkValue(field, value, path, ctx);
  }
}

function checkValue(field, value, path, ctx) {
  if (value === null && field.resolvedType?.fullName !== '.google.protobuf.Value')
    return ctx.fail(path, 'null is not allowed here');
  checkSingle(field, value, path, ctx);
}

function checkMessage(type, value, path, ctx) {
  const fullName = type.fullName.replace(/^\./, '');
  if (WELL_KNOWN[fullName])
    return WELL_KNOWN[fullName](value, path, ctx);
  if (!expectObject(value, path, ctx))
    return;

  const setOneofMembers = new Map();
  for (const [key, inner] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const allowed = NOT_YET_PUBLISHED[fullName]?.[key];
    if (allowed) {
      allowed[0](inner, childPath, ctx);
      continue;
    }
    let field = type.fields[key];
    if (!field && key.includes('_') && type.fields[snakeToCamel(key)]) {
      if (ctx.direction === 'client') {
        ctx.fail(childPath, `snake_case name; our client must send "${snakeToCamel(key)}"`);
        continue;
      }
      field = type.fields[snakeToCamel(key)];
    }
    if (!field) {
      ctx.fail(childPath, `unknown field of ${type.name}`);
      continue;
    }
    if (inner === null && ctx.direction === 'server')
      continue;  // proto3 JSON: null means "not set"
    checkField(field, inner, childPath, ctx);
    // proto3 `optional` fields are synthetic one-member oneofs; skip them
    if (field.partOf && field.partOf.oneof.length > 1) {
      const members = setOneofMembers.get(field.partOf.name) || [];
      members.push(key);
      setOneofMembers.set(field.partOf.name, members);
    }
  }
  for (const [oneof, members] of setOneofMembers) {
    if (members.length > 1)
      ctx.fail(path || '(top level)', `oneof ${oneof} has more than one member set: ${members.join(', ')}`);
  }
}

// Returns the list of problems ({path, reason}); empty when the frame is valid.
export function validateFrame(direction, frame) {
  const type = MESSAGE_TYPES[direction];
  if (!type)
    throw new Error(`direction must be client or server, not ${direction}`);
  const problems = [];
  const ctx = { direction, fail: (path, reason) => problems.push({ path: path || '(top level)', reason }) };
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
    ctx.fail('', `a frame must be a JSON object, got ${describe(frame)}`);
    return problems;
  }
  if (direction === 'client' && Object.keys(frame).length !== 1)
    ctx.fail('', `a client message has exactly one top-level key, got ${Object.keys(frame).length}`
        + (Object.keys(frame).length ? ` (${Object.keys(frame).join(', ')})` : ''));
  checkMessage(type, frame, '', ctx);
  return problems;
}
