import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/core/utf8';

const bytes = (...b: number[]): ArrayBuffer => new Uint8Array(b).buffer;

describe('decodeUtf8 (the same text XMLHttpRequest.responseText gives)', () => {
  it('decodes valid UTF-8, including astral characters and U+2028', () => {
    const text = 'a é € 𝄞 \u2028 </script> "quotes"';
    const buf = Buffer.from(text, 'utf8');
    expect(decodeUtf8(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))).toBe(text);
  });

  it('replaces invalid sequences as the WHATWG decoder does', () => {
    const cases: number[][] = [
      [0xff],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0x61, 0xe2, 0x82],
      [0xe2, 0x82, 0x61],
      [0xf0, 0x9f, 0x98],
      [0x80, 0x80, 0x41],
    ];
    const decoder = new TextDecoder('utf-8');
    for (const c of cases) expect(decodeUtf8(bytes(...c)), c.join(',')).toBe(decoder.decode(new Uint8Array(c)));
  });

  it('drops a leading byte order mark, and only a leading one, as the WHATWG decoder does', () => {
    const decoder = new TextDecoder('utf-8');
    for (const c of [
      [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
      [0xef, 0xbb, 0xbf],
      [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61],
      [0x61, 0xef, 0xbb, 0xbf],
      [0xef, 0xbb],
    ]) {
      expect(decodeUtf8(bytes(...c)), c.join(',')).toBe(decoder.decode(new Uint8Array(c)));
    }
    expect(JSON.parse(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d)))).toEqual({});
  });

  it('handles a large body', () => {
    const text = 'x€'.repeat(100000);
    const buf = Buffer.from(text, 'utf8');
    expect(decodeUtf8(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))).toBe(text);
  });
});
