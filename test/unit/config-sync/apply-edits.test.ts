import { applyEdits } from '../../../src/config-sync';

describe('applyEdits', () => {
  it('applies edits given in any order against the original offsets', () => {
    expect(
      applyEdits('abcdef', [
        { offset: 4, length: 2, content: 'XY' },
        { offset: 0, length: 1, content: '' },
        { offset: 2, length: 0, content: '-' },
      ]),
    ).toBe('b-cdXY');
  });

  it('keeps the array order of inserts at the same offset and puts them before a replacement there', () => {
    expect(
      applyEdits('0123', [
        { offset: 1, length: 2, content: 'R' },
        { offset: 1, length: 0, content: 'a' },
        { offset: 1, length: 0, content: 'b' },
      ]),
    ).toBe('0abR3');
  });

  it('allows an insert right where a replacement ends', () => {
    expect(applyEdits('0123', [{ offset: 0, length: 2, content: 'R' }, { offset: 2, length: 0, content: '+' }])).toBe('R+23');
  });

  it('throws on overlapping replacements and on an insert inside a replacement', () => {
    expect(() => applyEdits('0123', [{ offset: 0, length: 2, content: '' }, { offset: 1, length: 2, content: '' }])).toThrow(/Overlapping/);
    expect(() => applyEdits('0123', [{ offset: 0, length: 3, content: '' }, { offset: 2, length: 0, content: 'x' }])).toThrow(/Overlapping/);
  });

  it('throws on edits outside the text', () => {
    expect(() => applyEdits('ab', [{ offset: 1, length: 2, content: '' }])).toThrow(RangeError);
    expect(() => applyEdits('ab', [{ offset: -1, length: 0, content: '' }])).toThrow(RangeError);
  });

  it('returns the text unchanged for no edits', () => {
    expect(applyEdits('abc', [])).toBe('abc');
  });
});
