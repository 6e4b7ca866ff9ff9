import { describe, expect, it } from 'vitest';
import { createHostLogger, logAt, silentLogger } from '../../../src/host/log.js';

const now = () => new Date('2026-01-02T03:04:05.000Z');

describe('host logger', () => {
  it('text_linesWithLevelAndFields_filteredByLevel', () => {
    const lines: string[] = [];
    const log = createHostLogger({ level: 'info', write: (l) => lines.push(l), now });
    log.info('component started', { component_id: 'hello', ref: 'file:///a b.wasm', max: 2 });
    log.debug('hidden');
    log.error('boom');
    expect(lines).toEqual([
      '2026-01-02T03:04:05.000Z  INFO component started component_id=hello ref="file:///a b.wasm" max=2\n',
      '2026-01-02T03:04:05.000Z ERROR boom\n',
    ]);
  });

  it('structured_oneJsonObjectPerLine', () => {
    const lines: string[] = [];
    const log = createHostLogger({ level: 'trace', structured: true, write: (l) => lines.push(l), now });
    log.trace('t', { a: 1 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { timestamp: '2026-01-02T03:04:05.000Z', level: 'TRACE', message: 't', a: 1 },
    ]);
    expect(lines[0].endsWith('\n')).toBe(true);
  });

  it('logAt_mapsForeignLevels', () => {
    expect(logAt(silentLogger, 'critical')).toBe(silentLogger.error);
    expect(logAt(silentLogger, 'warn')).toBe(silentLogger.warn);
    expect(logAt(silentLogger, 'whatever')).toBe(silentLogger.info);
  });
});
