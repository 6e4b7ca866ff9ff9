import { describe, expect, it } from 'vitest';
import {
  CtlDecodeError,
  ctlError,
  ctlOk,
  ctlSuccess,
  decodeConfigMap,
  decodeCtlResponse,
  decodeDeleteLinkRequest,
  decodeJson,
  decodeLink,
  decodeScaleComponentCommand,
  decodeStopHostCommand,
  decodeStopProviderCommand,
  encodeJson,
  normalizeInventory,
} from '../../../src/lattice/codec.js';

describe('envelopes', () => {
  it('omits response when there is no payload', () => {
    expect(JSON.stringify(ctlSuccess('successfully put config'))).toBe(
      '{"success":true,"message":"successfully put config"}',
    );
    expect(JSON.stringify(ctlError('boom'))).toBe('{"success":false,"message":"boom"}');
    expect(ctlOk({ a: 1 })).toEqual({ success: true, message: '', response: { a: 1 } });
  });
  it('decodes replies, including the hand-built error form', () => {
    expect(decodeCtlResponse(encodeJson({ success: true, message: '', response: [1] }))).toEqual({
      success: true,
      message: '',
      response: [1],
    });
    expect(decodeCtlResponse('{"success":false,"error":"bad"}')).toEqual({ success: false, message: 'bad' });
    expect(() => decodeCtlResponse('{"ok":true}')).toThrow(CtlDecodeError);
    expect(() => decodeCtlResponse('nope')).toThrow(/not valid JSON/);
  });
  it('treats an empty payload as undefined', () => {
    expect(decodeJson(new Uint8Array())).toBeUndefined();
  });
});

describe('request decoders', () => {
  it('scale: count on the wire, max_instances accepted, serde defaults', () => {
    expect(decodeScaleComponentCommand({ component_id: 'c', count: 3 })).toEqual({
      component_ref: '',
      component_id: 'c',
      count: 3,
      host_id: '',
      config: [],
      allow_update: false,
    });
    expect(decodeScaleComponentCommand({ component_id: 'c', max_instances: 2, annotations: { a: 'b' } }).count).toBe(2);
    expect(() => decodeScaleComponentCommand({})).toThrow(/missing field "component_id"/);
    expect(() => decodeScaleComponentCommand({ component_id: 'c', count: -1 })).toThrow(
      /"count" must be a non-negative integer/,
    );
    expect(() => decodeScaleComponentCommand([])).toThrow(/expected a JSON object/);
  });
  it('stop provider accepts provider_ref as alias', () => {
    expect(decodeStopProviderCommand({ host_id: 'N', provider_ref: 'p' })).toEqual({ host_id: 'N', provider_id: 'p' });
    expect(decodeStopHostCommand(undefined)).toEqual({ host_id: '' });
  });
  it('links default name and config lists', () => {
    expect(
      decodeLink({ source_id: 's', target: 't', wit_namespace: 'wasi', wit_package: 'http', interfaces: ['x'] }),
    ).toEqual({
      source_id: 's',
      target: 't',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['x'],
      source_config: [],
      target_config: [],
    });
    expect(() => decodeLink({ source_id: 's' })).toThrow(/missing field "target"/);
    expect(decodeDeleteLinkRequest({ source_id: 's', wit_namespace: 'a', wit_package: 'b' }).name).toBe('default');
  });
  it('config maps must hold strings', () => {
    expect(decodeConfigMap({ a: 'b' })).toEqual({ a: 'b' });
    expect(() => decodeConfigMap({ a: 1 })).toThrow(CtlDecodeError);
  });
  it('inventory legacy actors', () => {
    expect(normalizeInventory({ actors: [], providers: [] }).components).toEqual([]);
  });
});
