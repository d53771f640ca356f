/** The page transport's pure parts, without a browser: header parsing, data: URL reasons, progress scaling. */
import { describe, expect, it } from 'vitest';
import { dataUrlProblem, fileBytesSent, parseResponseHeaders } from '../../src/hybrid/page-transport';

describe('parseResponseHeaders', () => {
  it('lower-cases names, trims values, joins repeated names with ", " and keeps colons in values', () => {
    const text = 'Content-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\nLocation: http://h:8/p\r\nEmpty:\r\n\r\n';
    expect(parseResponseHeaders(text)).toEqual({
      'content-type': 'text/plain',
      'x-a': '1, 2',
      location: 'http://h:8/p',
      empty: '',
    });
  });

  it('treats names such as "constructor" as plain headers', () => {
    expect(parseResponseHeaders('constructor: a\r\nConstructor: b')).toEqual({ constructor: 'a, b' });
  });

  it('gives an empty record for no headers', () => {
    expect(parseResponseHeaders('')).toEqual({});
  });
});

describe('dataUrlProblem', () => {
  it('names what makes a data: URL unreadable', () => {
    expect(dataUrlProblem('data:text/plain')).toBe('it has no comma between the media type and the data');
    expect(dataUrlProblem('data:image/png;base64,%%%')).toBe('its data is not valid base64');
    expect(dataUrlProblem('data:image/png;BASE64 ,%%%')).toBe('its data is not valid base64');
    expect(dataUrlProblem('data:text/plain,ok')).toBe('the browser could not read it');
  });
});

describe('fileBytesSent', () => {
  it("scales the body bytes (multipart framing included) to the file's size", () => {
    expect(fileBytesSent(0, 1200, 1000)).toBe(0);
    expect(fileBytesSent(600, 1200, 1000)).toBe(500);
    expect(fileBytesSent(1199, 1200, 1000)).toBe(999);
    expect(fileBytesSent(1200, 1200, 1000)).toBe(1000);
  });

  it('never exceeds the file size, and is 0 for an empty file or an unknown total', () => {
    const big = 2 ** 40 + 7;
    expect(fileBytesSent(big + 500, big + 500, big)).toBe(big);
    expect(fileBytesSent(180, 180, 0)).toBe(0);
    expect(fileBytesSent(10, 0, 1000)).toBe(0);
  });
});
