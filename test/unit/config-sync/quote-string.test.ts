import { ConfigValueError, quoteString } from '../../../src/config-sync';

describe('quoteString', () => {
  it('quotes printable ASCII as it is', () => {
    expect(quoteString('dc1-dc2.example_org 1')).toBe('"dc1-dc2.example_org 1"');
    expect(quoteString('')).toBe('""');
  });

  it.each([
    ['a double quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a line break', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['a non-ASCII letter', 'café'],
    ['an emoji', 'a\u{1F600}'],
  ])('refuses a value containing %s', (_what, value) => {
    expect(() => quoteString(value)).toThrow(ConfigValueError);
  });
});
