import { describe, expect, it } from 'vitest';
import { UsageError, UserError, errorChain, exitCodeFor, isUserError } from '../../../src/errors.js';
import { errorDocument, successDocument } from '../../../src/output/json.js';
import { outputModeFromArgv, renderTextError, withoutOutputFlag } from '../../../src/output/render.js';

describe('output contract', () => {
  it('detects JSON mode in every spelling, and not after --', () => {
    for (const argv of [
      ['-o', 'json'],
      ['--output', 'json'],
      ['--output=json'],
      ['-ojson'],
      ['get', 'hosts', '-o', 'json'],
    ])
      expect(outputModeFromArgv(argv)).toBe('json');
    for (const argv of [[], ['-o', 'text'], ['--', '-o', 'json'], ['--output=text']])
      expect(outputModeFromArgv(argv)).toBe('text');
    expect(withoutOutputFlag(['--version', '-o', 'json'])).toEqual(['--version']);
    expect(withoutOutputFlag(['-ojson', 'app', '--output=text', 'list'])).toEqual(['app', 'list']);
  });

  it('success document is the flat map plus success:true (or without it on request)', () => {
    expect(JSON.parse(successDocument({ hosts: [] }))).toEqual({ hosts: [], success: true });
    expect(JSON.parse(successDocument({ a: 1 }, false))).toEqual({ a: 1 });
  });

  it('error document carries the top message, the cause chain and the suggestion', () => {
    const err = new UserError('could not connect to NATS at nats://127.0.0.1:1', {
      cause: new Error('ECONNREFUSED'),
      suggestion: 'run wash up',
    });
    expect(JSON.parse(errorDocument(err))).toEqual({
      success: false,
      error: 'could not connect to NATS at nats://127.0.0.1:1',
      error_chain: ['ECONNREFUSED'],
      suggestion: 'run wash up',
    });
    expect(errorChain(err)).toEqual(['could not connect to NATS at nats://127.0.0.1:1', 'ECONNREFUSED']);
  });

  it('exit codes: user errors 1, usage errors 2, oclif parse errors their own code, bugs 1', () => {
    expect(exitCodeFor(new UserError('x'))).toBe(1);
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(Object.assign(new Error('Unexpected argument'), { oclif: { exit: 2 } }))).toBe(2);
    expect(exitCodeFor(new TypeError('bug'))).toBe(1);
  });

  it('user errors render without a stack; bugs say how to get one', () => {
    const text = renderTextError(new UserError('file not found: a.yaml', { suggestion: 'check the path' }));
    expect(text).toBe('Error: file not found: a.yaml\n  hint: check the path\n');
    expect(renderTextError(new TypeError('x is undefined'))).toContain('set WASH_DEBUG=1');
  });

  it('recognises user errors by brand, across separately loaded copies of the class', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('wash.UserError')]: true,
      exitCode: 1,
    });
    expect(isUserError(foreign)).toBe(true);
    expect(isUserError(new Error('plain'))).toBe(false);
  });
});
