/** The enums of `request.agent`, values from the SDK (`api/@ohos.request.d.ts`, namespace agent). */

/** Builds a numeric enum object with its reverse mapping, as TypeScript emits enums. */
function numericEnum<T extends Record<string, number>>(members: T): T & Readonly<Record<number, string>> {
  const object: Record<string | number, string | number> = { ...members };
  for (const [name, value] of Object.entries(members)) object[value] = name;
  return Object.freeze(object) as T & Readonly<Record<number, string>>;
}

export const Action = numericEnum({ DOWNLOAD: 0, UPLOAD: 1 } as const);
export const Mode = numericEnum({ BACKGROUND: 0, FOREGROUND: 1 } as const);
export const Network = numericEnum({ ANY: 0, WIFI: 1, CELLULAR: 2 } as const);
export const State = numericEnum({
  INITIALIZED: 0x00,
  WAITING: 0x10,
  RUNNING: 0x20,
  RETRYING: 0x21,
  PAUSED: 0x30,
  STOPPED: 0x31,
  COMPLETED: 0x40,
  FAILED: 0x41,
  REMOVED: 0x50,
} as const);
export const Faults = numericEnum({
  OTHERS: 0xff,
  DISCONNECTED: 0x00,
  TIMEOUT: 0x10,
  PROTOCOL: 0x20,
  PARAM: 0x30,
  FSIO: 0x40,
  DNS: 0x50,
  TCP: 0x60,
  SSL: 0x70,
  REDIRECT: 0x80,
} as const);
