/**
 * The options are checked once, at the edge (src/core/options.ts). Every way they can be wrong ends the
 * upload with an exact errMsg, seen by fail, complete and the promise, and the transport is never started;
 * valid options reach the transport normalised, with their defaults.
 */
import { describe, expect, it } from 'vitest';
import { checkPathString, partFailure } from '../../src/core/options';
import type { SourceRules, UploadRequest } from '../../src/core/options';
import { isRecord } from '../../src/core/values';
import { badCases } from '../contract/cases';
import { BAD_OPTIONS } from '../contract/driver';
import type { RecordedEvent } from '../contract/driver';
import { flush, pathRules, scriptedEngine, uploadOptions, watch } from './scripted-transport';

const base = (): Record<string, unknown> => ({ ...uploadOptions() });

/** Refused: the callbacks the options hold (valid ones) and the promise see errMsg; no transport starts. */
async function expectRefused(options: unknown, errMsg: string, rules: SourceRules<string> = pathRules): Promise<void> {
  const { engine, transport } = scriptedEngine(rules);
  const seen = watch(engine.uploadFile, options);
  await flush();
  const result = { errMsg };
  const has = (key: string): boolean => isRecord(options) && typeof options[key] === 'function';
  const expected: RecordedEvent[] = [
    ...(has('fail') ? [{ kind: 'fail' as const, result }] : []),
    ...(has('complete') ? [{ kind: 'complete' as const, result }] : []),
    { kind: 'rejected', result },
  ];
  expect(seen.events).toEqual(expected);
  expect(transport.attempts).toHaveLength(0);
  expect(engine.stats()).toMatchObject({ live: 0, running: 0, waiting: 0 });
}

/** What the transport is asked to upload for these options (the upload is then aborted). */
async function accepted(options: unknown, rules: SourceRules<string> = pathRules): Promise<UploadRequest<string>> {
  const { engine, transport } = scriptedEngine(rules);
  const task = engine.uploadFile(options);
  task.catch(() => undefined);
  await flush();
  task.abort();
  return transport.last.request;
}

describe('bad background options', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'background a string',
      { background: 'true' },
      'parameter error: parameter.background should be Boolean instead of String',
    ],
    [
      'network unknown',
      { background: true, network: '5g' },
      `parameter error: parameter.network should be 'any' or 'wifi', got "5g"`,
    ],
    [
      'network a number',
      { background: true, network: 1 },
      `parameter error: parameter.network should be 'any' or 'wifi', got Number`,
    ],
    [
      'network without background',
      { network: 'wifi' },
      'parameter error: parameter.network applies to background uploads only (background: true)',
    ],
    [
      'tag without background',
      { tag: 'a' },
      'parameter error: parameter.tag applies to background uploads only (background: true)',
    ],
    ['tag a number', { background: true, tag: 7 }, 'parameter error: parameter.tag should be String instead of Number'],
    [
      'tag too long',
      { background: true, tag: 'x'.repeat(1025) },
      'parameter error: parameter.tag is longer than 1024 characters',
    ],
  ];
  for (const [name, patch, reason] of cases) {
    it(name, async () => {
      await expectRefused({ ...base(), ...patch }, `uploadFile:fail ${reason}`);
    });
  }
});

describe('bad options', () => {
  // The table every target runs over real HTTP: the same errMsg here, over no transport at all.
  for (const { bad, errMsg } of badCases('String')) {
    it(`${bad} (the contract's table)`, async () => {
      await expectRefused(BAD_OPTIONS[bad](base()), errMsg);
    });
  }

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  /** A patch of the valid base options, or whole options that are not an object. */
  const cases: Array<{ name: string; patch?: Record<string, unknown>; options?: () => unknown; errMsg: string }> = [
    { name: 'options null', options: () => null, errMsg: 'parameter error: options should be Object instead of Null' },
    {
      name: 'options a number',
      options: () => 7,
      errMsg: 'parameter error: options should be Object instead of Number',
    },
    {
      name: 'options a function',
      options: () => () => undefined,
      errMsg: 'parameter error: options should be Object instead of Function',
    },
    {
      name: 'success not a function',
      patch: { success: 'yes' },
      errMsg: 'parameter error: parameter.success should be Function instead of String',
    },
    {
      name: 'fail not a function',
      patch: { fail: 1 },
      errMsg: 'parameter error: parameter.fail should be Function instead of Number',
    },
    {
      name: 'complete not a function',
      patch: { complete: {} },
      errMsg: 'parameter error: parameter.complete should be Function instead of Object',
    },
    {
      name: 'url of another scheme',
      patch: { url: 'javascript:alert(1)' },
      errMsg: 'invalid url: only http and https are supported, not javascript: in "javascript:alert(1)"',
    },
    {
      name: 'url without a host',
      patch: { url: 'https:///upload' },
      errMsg: 'invalid url: "https:///upload" is not a valid http(s) URL',
    },
    {
      name: 'url with a backslash in the host',
      patch: { url: 'https://example.com\\@evil.com/' },
      errMsg: 'invalid url: "https://example.com\\@evil.com/" is not a valid http(s) URL',
    },
    {
      name: 'url with a control character',
      patch: { url: 'https://example.com/a\x7fb' },
      errMsg: 'invalid url: "https://example.com/a\x7fb" is not a valid http(s) URL',
    },
    {
      name: 'url too long to quote whole',
      patch: { url: 'x'.repeat(100) },
      errMsg: `invalid url: "${'x'.repeat(77)}..." is not an absolute http(s) URL`,
    },
    {
      name: 'filePath a number',
      patch: { filePath: 7 },
      errMsg: 'parameter error: parameter.filePath should be String instead of Number',
    },
    {
      name: 'filePath empty',
      patch: { filePath: '' },
      errMsg: 'parameter error: parameter.filePath should be a non-empty String',
    },
    ...['\0', '\r', '\n'].map((c) => ({
      name: `filePath with ${JSON.stringify(c)}`,
      patch: { filePath: `/data/a${c}b` },
      errMsg: 'parameter error: parameter.filePath must not contain NUL, CR or LF',
    })),
    {
      name: 'name a number',
      patch: { name: 7 },
      errMsg: 'parameter error: parameter.name should be String instead of Number',
    },
    {
      name: 'name with CR LF',
      patch: { name: 'a\r\nb' },
      errMsg: 'parameter error: parameter.name must not contain CR, LF or another control character',
    },
    {
      name: 'fileName empty',
      patch: { fileName: '' },
      errMsg: 'parameter error: parameter.fileName should be a non-empty String',
    },
    {
      name: 'fileName with a control character',
      patch: { fileName: 'a\x01.txt' },
      errMsg: 'parameter error: parameter.fileName must not contain CR, LF or another control character',
    },
    {
      name: 'header an array',
      patch: { header: ['X-A: 1'] },
      errMsg: 'parameter error: parameter.header should be Object instead of Array',
    },
    {
      name: 'header value an object',
      patch: { header: { 'X-A': {} } },
      errMsg: 'parameter error: parameter.header["X-A"] should be String instead of Object',
    },
    {
      name: 'header value beyond ISO-8859-1',
      patch: { header: { 'X-A': 'price in €' } },
      errMsg:
        'parameter error: parameter.header["X-A"] has characters beyond ISO-8859-1; encode the value (e.g. with encodeURIComponent)',
    },
    {
      name: 'header name empty',
      patch: { header: { '': '1' } },
      errMsg: 'parameter error: parameter.header has an invalid header name ""',
    },
    {
      name: 'header name beyond ASCII',
      patch: { header: { 'X-Café': '1' } },
      errMsg: 'parameter error: parameter.header has an invalid header name "X-Café"',
    },
    {
      name: 'header name too long to quote whole',
      patch: { header: { ['X'.repeat(100)]: [] } },
      errMsg: `parameter error: parameter.header["${'X'.repeat(77)}..."] should be String instead of Array`,
    },
    {
      name: 'formData a string',
      patch: { formData: 'a=1' },
      errMsg: 'parameter error: parameter.formData should be Object instead of String',
    },
    {
      name: 'formData name with CR LF',
      patch: { formData: { 'a\r\nb': 'x' } },
      errMsg: 'parameter error: parameter.formData has a field name with CR, LF or another control character',
    },
    ...[
      { type: 'BigInt', value: BigInt(1) },
      { type: 'Function', value: () => 1 },
      { type: 'Symbol', value: Symbol('s') },
      { type: 'Object', value: circular },
    ].map(({ type, value }) => ({
      name: `formData value that has no JSON text (${type})`,
      patch: { formData: { ok: 'x', v: value } },
      errMsg: `parameter error: parameter.formData["v"] (${type}) cannot be sent as text`,
    })),
    {
      name: 'timeout a boolean',
      patch: { timeout: true },
      errMsg: 'parameter error: parameter.timeout should be Number instead of Boolean',
    },
    ...[0, Number.NaN, 2147483648, Number.POSITIVE_INFINITY].map((timeout) => ({
      name: `timeout ${timeout}`,
      patch: { timeout },
      errMsg: `parameter error: parameter.timeout should be between 1 and 2147483647 milliseconds, got ${timeout}`,
    })),
    {
      name: 'retry a number',
      patch: { retry: 3 },
      errMsg: 'parameter error: parameter.retry should be Object instead of Number',
    },
    {
      name: 'retry an array',
      patch: { retry: [3] },
      errMsg: 'parameter error: parameter.retry should be Object instead of Array',
    },
    {
      name: 'retry without count',
      patch: { retry: { backoff: 100 } },
      errMsg: 'parameter error: parameter.retry.count should be Number instead of Undefined',
    },
    {
      name: 'retry.count a string',
      patch: { retry: { count: '2' } },
      errMsg: 'parameter error: parameter.retry.count should be Number instead of String',
    },
    ...[1.5, -1, 11, Number.NaN].map((count) => ({
      name: `retry.count ${count}`,
      patch: { retry: { count } },
      errMsg: `parameter error: parameter.retry.count should be an integer from 0 to 10, got ${count}`,
    })),
    {
      name: 'retry.backoff a string',
      patch: { retry: { count: 1, backoff: '100' } },
      errMsg: 'parameter error: parameter.retry.backoff should be Number instead of String',
    },
    ...[-1, Number.NaN, 2147483648].map((backoff) => ({
      name: `retry.backoff ${backoff}`,
      patch: { retry: { count: 1, backoff } },
      errMsg: `parameter error: parameter.retry.backoff should be between 0 and 2147483647 milliseconds, got ${backoff}`,
    })),
  ];
  for (const { name, patch, options, errMsg } of cases) {
    it(name, async () => {
      await expectRefused(options ? options() : { ...base(), ...patch }, `uploadFile:fail ${errMsg}`);
    });
  }

  it('the first problem is the reason: callbacks, url, filePath, name, fileName, header, formData, timeout, retry', async () => {
    const problems: Array<[string, unknown, string]> = [
      ['complete', 'x', 'parameter.complete should be Function instead of String'],
      ['url', 1, 'parameter.url should be String instead of Number'],
      ['filePath', 1, 'parameter.filePath should be String instead of Number'],
      ['name', 1, 'parameter.name should be String instead of Number'],
      ['fileName', 1, 'parameter.fileName should be String instead of Number'],
      ['header', 1, 'parameter.header should be Object instead of Number'],
      ['formData', 1, 'parameter.formData should be Object instead of Number'],
      ['timeout', '1', 'parameter.timeout should be Number instead of String'],
      ['retry', 1, 'parameter.retry should be Object instead of Number'],
    ];
    const valid = base();
    const options = { ...valid, ...Object.fromEntries(problems.map(([key, value]) => [key, value])) };
    // Everything is wrong at first; each fix in turn moves the reason to the next problem.
    for (const [key, , reason] of problems) {
      await expectRefused({ ...options }, `uploadFile:fail parameter error: ${reason}`);
      if (key in valid) options[key] = valid[key];
      else delete options[key];
    }
    expect((await accepted(options)).url).toBe(valid.url);
  });

  it("the target's reason for its source is the errMsg as it is; a read that throws is a parameter error", async () => {
    const refusing: SourceRules<string> = {
      read: () => ({ ok: false, reason: 'invalid filePath "x": use a native path' }),
      fileName: () => 'x',
    };
    await expectRefused(base(), 'uploadFile:fail invalid filePath "x": use a native path', refusing);
    const throwing: SourceRules<string> = {
      read: () => {
        throw new Error('the context is gone');
      },
      fileName: () => 'x',
    };
    await expectRefused(
      base(),
      'uploadFile:fail parameter error: options cannot be read: the context is gone',
      throwing,
    );
  });

  it('checkPathString names the types a target accepts', () => {
    expect(checkPathString(undefined, 'String or Blob')).toBe(
      'parameter error: parameter.filePath should be String or Blob instead of Undefined',
    );
    expect(checkPathString('/data/a.txt', 'String or Blob')).toBeUndefined();
  });
});

describe('valid options reach the transport normalised', () => {
  it('with their defaults', async () => {
    expect(await accepted(uploadOptions())).toEqual({
      url: 'https://example.com/upload',
      files: [
        {
          source: '/data/storage/el2/base/cache/photo.jpg',
          name: 'file',
          fileName: 'photo.jpg',
          contentType: 'image/jpeg',
        },
      ],
      form: 'filePath',
      header: {},
      formData: [],
      timeout: 60000,
      retry: { count: 0, backoff: 1000 },
      withCredentials: false,
      background: false,
      network: 'any',
      tag: undefined,
    });
  });

  it('background: no timeout by default, network and tag kept; the default from configure()', async () => {
    const request = await accepted({ ...base(), background: true, network: 'wifi', tag: 'holiday video' });
    expect(request).toMatchObject({ background: true, network: 'wifi', tag: 'holiday video', timeout: 0 });
    expect((await accepted({ ...base(), background: true, timeout: 5000 })).timeout).toBe(5000);

    const { engine, transport } = scriptedEngine();
    engine.configure({ background: true });
    const task = engine.uploadFile(uploadOptions({ tag: 'by default' }));
    const foreground = engine.uploadFile(uploadOptions({ background: false }));
    await flush();
    task.abort();
    foreground.abort();
    await Promise.allSettled([task, foreground]);
    expect(transport.attempts.map((a) => [a.request.background, a.request.tag, a.request.timeout])).toEqual([
      [true, 'by default', 0],
      [false, undefined, 60000],
    ]);
    expect(() => engine.configure({ background: 'yes' as unknown as boolean })).toThrow(
      'background should be a boolean, got yes',
    );
  });

  it('withCredentials: true when asked for, false when absent or null', async () => {
    expect((await accepted({ ...base(), withCredentials: true })).withCredentials).toBe(true);
    expect((await accepted({ ...base(), withCredentials: null })).withCredentials).toBe(false);
  });

  it('header: values as text, null and undefined dropped, Content-Type left to the library, tab and Latin-1 kept', async () => {
    const request = await accepted({
      ...base(),
      header: {
        'X-Number': 7,
        'X-Flag': false,
        'X-Null': null,
        'X-Undefined': undefined,
        'X-Tab': 'a\tb',
        'X-Latin1': 'café',
        'content-TYPE': 'text/plain',
      },
    });
    expect(request.header).toEqual({ 'X-Number': '7', 'X-Flag': 'false', 'X-Tab': 'a\tb', 'X-Latin1': 'café' });
  });

  it('formData: in order, text with CRLF line breaks, other values as JSON, undefined dropped, quotes in names escaped', async () => {
    const request = await accepted({
      ...base(),
      formData: {
        text: 'a\nb\rc\r\nd',
        count: 2,
        flag: true,
        nothing: null,
        skipped: undefined,
        nested: { a: [1, 'x'] },
        'say "hi"': 'q',
        empty: '',
      },
    });
    expect(request.formData).toEqual([
      { name: 'text', value: 'a\r\nb\r\nc\r\nd' },
      { name: 'count', value: '2' },
      { name: 'flag', value: 'true' },
      { name: 'nothing', value: 'null' },
      { name: 'nested', value: '{"a":[1,"x"]}' },
      { name: 'say %22hi%22', value: 'q' },
      { name: 'empty', value: '' },
    ]);
  });

  it('names: quotes escaped; the content type from the file name, given or taken from the path', async () => {
    expect((await accepted({ ...base(), name: 'my "file"', fileName: 'a"b.PNG' })).files[0]).toMatchObject({
      name: 'my %22file%22',
      fileName: 'a%22b.PNG',
      contentType: 'image/png',
    });
    expect(
      (await accepted({ ...base(), filePath: 'file:///data/storage/a%20b.txt', fileName: null })).files[0],
    ).toMatchObject({
      fileName: 'a b.txt',
      contentType: 'text/plain',
    });
    expect((await accepted({ ...base(), filePath: '/data/storage/README' })).files[0]).toMatchObject({
      fileName: 'README',
      contentType: 'application/octet-stream',
    });
  });

  it('the limits themselves, absent callbacks, and any http(s) URL shape', async () => {
    const accept = (overrides: Record<string, unknown>): Promise<UploadRequest<string>> =>
      accepted({ ...base(), ...overrides });
    expect((await accept({ timeout: 1 })).timeout).toBe(1);
    expect((await accept({ timeout: 2147483647 })).timeout).toBe(2147483647);
    expect((await accept({ retry: { count: 10, backoff: 0 } })).retry).toEqual({ count: 10, backoff: 0 });
    expect((await accept({ retry: { count: 0, backoff: 2147483647 } })).retry).toEqual({
      count: 0,
      backoff: 2147483647,
    });
    expect((await accept({ retry: { count: 2, backoff: null } })).retry).toEqual({ count: 2, backoff: 1000 });
    expect((await accept({ retry: null, timeout: null })).timeout).toBe(60000);
    expect((await accept({ success: null, fail: undefined, complete: null })).files[0].name).toBe('file');
    for (const url of ['HTTPS://EXAMPLE.COM', 'http://127.0.0.1:8080/up?x=1#f', 'https://[::1]/a?b=c']) {
      expect((await accept({ url })).url).toBe(url);
    }
  });
});

describe('files: several files in one upload', () => {
  const photo = (n: number): string => `/data/storage/el2/base/cache/p${n}.jpg`;
  /** Valid options of the files form, without filePath and name. */
  const several = (files: unknown): Record<string, unknown> => ({ url: 'https://example.com/upload', files });

  it('every entry reaches the transport in order, repeated names kept, each with its own file name and type', async () => {
    const request = await accepted(
      several([
        { name: 'photos', filePath: photo(1) },
        { name: 'photos', filePath: photo(2), fileName: 'b "2".PNG' },
        { name: 'doc', filePath: '/data/storage/el2/base/cache/readme', fileName: null },
      ]),
    );
    expect(request.form).toBe('files');
    expect(request.files).toEqual([
      { source: photo(1), name: 'photos', fileName: 'p1.jpg', contentType: 'image/jpeg' },
      { source: photo(2), name: 'photos', fileName: 'b %222%22.PNG', contentType: 'image/png' },
      {
        source: '/data/storage/el2/base/cache/readme',
        name: 'doc',
        fileName: 'readme',
        contentType: 'application/octet-stream',
      },
    ]);
  });

  it('one entry is the files form too: failures of its file name files[0]', async () => {
    const request = await accepted(several([{ name: 'file', filePath: photo(1) }]));
    expect(request.form).toBe('files');
    expect(request.files).toHaveLength(1);
  });

  const bad: Array<{ name: string; options: Record<string, unknown>; errMsg: string }> = [
    {
      name: 'files with filePath',
      options: { ...several([{ name: 'a', filePath: photo(1) }]), filePath: photo(2) },
      errMsg:
        'parameter error: parameter.files and parameter.filePath cannot both be given: files lists every file with its name, filePath and name are the form for one file',
    },
    {
      name: 'files with name',
      options: { ...several([{ name: 'a', filePath: photo(1) }]), name: 'file' },
      errMsg:
        'parameter error: parameter.files and parameter.name cannot both be given: files lists every file with its name, filePath and name are the form for one file',
    },
    {
      name: 'files with fileName',
      options: { ...several([{ name: 'a', filePath: photo(1) }]), fileName: 'a.jpg' },
      errMsg:
        'parameter error: parameter.files and parameter.fileName cannot both be given: files lists every file with its name, filePath and name are the form for one file',
    },
    {
      name: 'files an object',
      options: several({ name: 'a', filePath: photo(1) }),
      errMsg: 'parameter error: parameter.files should be Array instead of Object',
    },
    {
      name: 'files empty',
      options: several([]),
      errMsg: 'parameter error: parameter.files should list at least one file',
    },
    {
      name: 'files of 101 entries',
      options: several(Array.from({ length: 101 }, (_, i) => ({ name: 'f', filePath: photo(i) }))),
      errMsg: 'parameter error: parameter.files lists 101 files; at most 100 go in one upload',
    },
    {
      name: 'an entry that is a string',
      options: several([{ name: 'a', filePath: photo(1) }, photo(2)]),
      errMsg: 'parameter error: parameter.files[1] should be Object instead of String',
    },
    {
      name: 'an entry without filePath',
      options: several([{ name: 'a', filePath: photo(1) }, { name: 'b', filePath: photo(2) }, { name: 'c' }]),
      errMsg: 'parameter error: parameter.files[2].filePath should be String instead of Undefined',
    },
    {
      name: 'an entry with an empty filePath',
      options: several([{ name: 'a', filePath: '' }]),
      errMsg: 'parameter error: parameter.files[0].filePath should be a non-empty String',
    },
    {
      name: 'an entry with a line break in filePath',
      options: several([
        { name: 'a', filePath: photo(1) },
        { name: 'b', filePath: '/data/a\nb' },
      ]),
      errMsg: 'parameter error: parameter.files[1].filePath must not contain NUL, CR or LF',
    },
    {
      name: 'an entry without name',
      options: several([{ name: 'a', filePath: photo(1) }, { filePath: photo(2) }]),
      errMsg: 'parameter error: parameter.files[1].name should be String instead of Undefined',
    },
    {
      name: 'an entry with an empty name',
      options: several([{ name: '', filePath: photo(1) }]),
      errMsg: 'parameter error: parameter.files[0].name should be a non-empty String',
    },
    {
      name: 'an entry with a control character in fileName',
      options: several([{ name: 'a', filePath: photo(1), fileName: 'a\r.jpg' }]),
      errMsg: 'parameter error: parameter.files[0].fileName must not contain CR, LF or another control character',
    },
  ];
  for (const c of bad) {
    it(`${c.name}: refused, naming the entry`, async () => {
      await expectRefused(c.options, `uploadFile:fail ${c.errMsg}`);
    });
  }

  it("the target's reason for an entry's source names the entry; the first bad entry is the reason", async () => {
    const rules: SourceRules<string> = {
      read: (value, field) =>
        value === 'bad' ? { ok: false, reason: `invalid ${field} "bad"` } : { ok: true, value: String(value) },
      fileName: () => 'x',
    };
    await expectRefused(
      several([
        { name: 'a', filePath: 'good' },
        { name: 'b', filePath: 'bad' },
        { name: 3, filePath: 'bad' },
      ]),
      'uploadFile:fail invalid files[1].filePath "bad"',
      rules,
    );
  });

  it("the target's rule for files together: its reason, only for two files or more", async () => {
    const rules: SourceRules<string> = {
      read: (value) => ({ ok: true, value: String(value) }),
      fileName: () => 'x',
      together: () => 'parameter error: not from one place',
    };
    // One entry has nothing to be together with: the rule is not asked.
    expect((await accepted(several([{ name: 'a', filePath: 'here' }]), rules)).files).toHaveLength(1);
    await expectRefused(
      several([
        { name: 'a', filePath: 'here' },
        { name: 'b', filePath: 'there' },
      ]),
      'uploadFile:fail parameter error: not from one place',
      rules,
    );
  });

  it('partFailure names the entry of a files upload only', () => {
    expect(partFailure({ form: 'files' }, 2, 'file not found: /a')).toBe('files[2]: file not found: /a');
    expect(partFailure({ form: 'filePath' }, 0, 'file not found: /a')).toBe('file not found: /a');
  });
});
