/**
 * The response headers as `@ohos.net.http` collects them (communication_netstack
 * `frameworks/js/napi/http/options/src/http_response.cpp` `ParseHeaders`, and `http_exec.cpp`
 * `OnWritingMemoryHeader`, `MakeHeaderWithSetCookie`, `MakeHeaderWithSetCookieArray`):
 *
 * - every header line libcurl reads, of every response (1xx interim answers, each redirect hop, the final
 *   one), is appended to one buffer; each time the buffer ends with an empty line, the whole buffer is
 *   parsed again into one map and the map is emitted: one `headersReceive` per header block, each with
 *   what all blocks so far hold;
 * - names are lower-cased and values trimmed; a repeated name keeps its last value; a line without ':'
 *   (the status line) becomes a name with an empty value, and names with empty values are left out of the
 *   emitted object; so a `100 Continue` block emits `{}`;
 * - `set-cookie` lines go to a list instead, which every parse appends to again (so cookies of earlier
 *   blocks repeat), emitted as an array.
 */
export class ResponseHeaders {
  private raw = '';
  private readonly map = new Map<string, string>();
  private readonly cookies: string[] = [];

  /** Appends one header line (with its CRLF); returns the emitted object when it completed a block. */
  append(line: string): Record<string, string | string[]> | undefined {
    this.raw += line;
    if (!this.raw.endsWith('\r\n\r\n')) return undefined;
    this.parse();
    return this.snapshot();
  }

  private parse(): void {
    for (const line of this.raw.split('\r\n')) {
      const stripped = line.trim();
      if (stripped === '') continue;
      const colon = line.indexOf(':');
      if (colon < 0) {
        this.map.set(stripped, '');
        continue;
      }
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'set-cookie') this.cookies.push(value);
      else this.map.set(name, value);
    }
  }

  /** The map in name order (a std::map), `set-cookie` among the others, empty values left out. */
  private snapshot(): Record<string, string | string[]> {
    const entries: Array<[string, string | string[]]> = [...this.map];
    const cookies = this.cookies.filter((c) => c !== '');
    if (cookies.length > 0) entries.push(['set-cookie', cookies]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of entries) if (name !== '' && value !== '') out[name] = value;
    return out;
  }
}
