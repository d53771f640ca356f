/**
 * UTF-8 to string as the WHATWG Encoding standard's "UTF-8 decode" does it (and so
 * XMLHttpRequest.responseText): a leading byte order mark is dropped, and each invalid sequence becomes
 * U+FFFD, so a body reads the same on every target. The ArkTS runtime has no TextDecoder global, hence this
 * small decoder.
 */
const REPLACEMENT = 0xfffd;

export function decodeUtf8(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  const out: string[] = [];
  let units: number[] = [];
  const push = (cp: number): void => {
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    if (units.length >= 8192) {
      out.push(String.fromCharCode(...units));
      units = [];
    }
  };
  // A byte order mark (EF BB BF) first is not part of the text.
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      push(b);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else {
      push(REPLACEMENT);
      i++;
      continue;
    }
    let j = 1;
    for (; j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || c < lower || c > upper) break;
      cp = (cp << 6) | (c & 0x3f);
      lower = 0x80;
      upper = 0xbf;
    }
    if (j <= need) {
      // A broken sequence becomes one U+FFFD; decoding resumes at the byte that broke it.
      push(REPLACEMENT);
      i += j;
      continue;
    }
    push(cp);
    i += need + 1;
  }
  out.push(String.fromCharCode(...units));
  return out.join('');
}
