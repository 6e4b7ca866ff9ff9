import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../../src/host/uptime.js';

describe('humanDuration', () => {
  it('rendersLikeHumantime', () => {
    expect(humanDuration(0)).toBe('0s');
    expect(humanDuration(42)).toBe('42s');
    expect(humanDuration(3723)).toBe('1h 2m 3s');
    expect(humanDuration(86_400 + 60)).toBe('1day 1m');
    expect(humanDuration(2 * 86_400)).toBe('2days');
    expect(humanDuration(59.9)).toBe('59s');
  });
});
