import { describe, expect, it } from 'vitest';
import { renderKeyValues, renderTable, visibleWidth } from '../../../src/output/table.js';

describe('renderTable', () => {
  it('pads columns to the widest cell and trims trailing space', () => {
    const out = renderTable(
      [
        ['a', 'bbbb', 'c'],
        ['dddd', 'e', ''],
      ],
      { header: ['X', 'Y', 'Z'], color: false },
    );
    expect(out).toBe(['X     Y     Z', 'a     bbbb  c', 'dddd  e'].join('\n') + '\n');
  });
  it('lets spanning cells cover several columns', () => {
    const out = renderTable(
      [
        [{ text: 'title spanning', span: 2 }, 'z'],
        ['a', 'b', 'c'],
      ],
      { color: false },
    );
    expect(out.split('\n')[1]).toBe('a  b  c');
    expect(out.split('\n')[0]).toBe('title spanning  z');
  });
  it('bolds the header only with colour on', () => {
    expect(renderTable([['1']], { header: ['H'], color: true })).toContain('\u001b[1mH');
    expect(renderTable([['1']], { header: ['H'], color: false })).not.toContain('\u001b');
  });
  it('measures width without ANSI codes', () => {
    expect(visibleWidth('\u001b[1mabc\u001b[22m')).toBe(3);
    expect(
      renderKeyValues(
        [
          ['k', 'v'],
          ['long', 'w'],
        ],
        { color: false },
      ),
    ).toBe('k     v\nlong  w\n');
  });
});
