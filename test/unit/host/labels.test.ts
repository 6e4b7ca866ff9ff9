import { describe, expect, it } from 'vitest';
import {
  assertUserLabels,
  builtinLabels,
  hostLabels,
  isProtectedLabelKey,
  labelsFromEnv,
  labelsSatisfy,
  parseLabelArgs,
} from '../../../src/host/labels.js';
import { UserError } from '../../../src/errors.js';

describe('host labels', () => {
  it('builtinLabels_usesRustSpellings', () => {
    expect(builtinLabels('linux', 'x64')).toEqual({
      'hostcore.arch': 'x86_64',
      'hostcore.os': 'linux',
      'hostcore.osfamily': 'unix',
    });
    expect(builtinLabels('darwin', 'arm64')).toEqual({
      'hostcore.arch': 'aarch64',
      'hostcore.os': 'macos',
      'hostcore.osfamily': 'unix',
    });
    expect(builtinLabels('win32', 'x64')['hostcore.osfamily']).toBe('windows');
  });

  it('isProtectedLabelKey_ignoresCase', () => {
    expect(isProtectedLabelKey('hostcore.os')).toBe(true);
    expect(isProtectedLabelKey('HostCore.anything')).toBe(true);
    expect(isProtectedLabelKey('hostcorex')).toBe(false);
    expect(isProtectedLabelKey('region')).toBe(false);
  });

  it('parseLabelArgs_splitsAtFirstEquals', () => {
    expect(parseLabelArgs(['a=1', 'b=x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
  });

  it('parseLabelArgs_rejectsMissingKeyOrEquals', () => {
    expect(() => parseLabelArgs(['novalue'])).toThrow(/--label 'novalue' is not of the form key=value/);
    expect(() => parseLabelArgs(['=v'])).toThrow(UserError);
  });

  it('labelsFromEnv_readsPrefixedVariablesOnly', () => {
    expect(labelsFromEnv({ WASMCLOUD_LABEL_zone: 'eu', WASMCLOUD_LABEL_: 'x', OTHER: 'y' })).toEqual({ zone: 'eu' });
  });

  it('assertUserLabels_rejectsHostcoreKeys', () => {
    expect(() => assertUserLabels({ 'HOSTCORE.os': 'x' })).toThrow(/reserved/);
    expect(() => assertUserLabels({ ok: 'x' })).not.toThrow();
  });

  it('hostLabels_alwaysContainsBuiltins', () => {
    const l = hostLabels({ region: 'eu' }, { 'hostcore.os': 'linux' });
    expect(l).toEqual({ region: 'eu', 'hostcore.os': 'linux' });
  });

  it('labelsSatisfy_requiresEveryConstraint', () => {
    const labels = { region: 'eu', tier: 'gold' };
    expect(labelsSatisfy(labels, {})).toBe(true);
    expect(labelsSatisfy(labels, { region: 'eu' })).toBe(true);
    expect(labelsSatisfy(labels, { region: 'eu', tier: 'silver' })).toBe(false);
    expect(labelsSatisfy(labels, { missing: '' })).toBe(false);
  });
});
