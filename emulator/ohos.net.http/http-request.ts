/**
 * `HttpRequest` of the emulated `@ohos.net.http` (communication_netstack `http_module.cpp` `On`, `Off`,
 * `Destroy`, `RequestInStream`; `utils/napi_utils/src/event_manager.cpp`; `http_exec.cpp`
 * `OnWritingMemoryHeader`, `OnWritingMemoryBody`, `ProgressCallback`, `OnDataUploadProgress`,
 * `AsyncWorkRequestInStreamCallback`):
 *
 * - `on(type, cb)` replaces the type's listener: one listener per type (`AddListener` first removes every
 *   listener of that type); `off(type)` removes it, `off(type, cb)` only if it is that one.
 * - Every notification is posted to the JS thread and delivered in order, one per macrotask: header blocks
 *   (`headersReceive`, only while a listener is registered when the block arrives), body chunks
 *   (`dataReceive`), send progress, then `dataEnd` (success only) and the promise.
 * - `dataSendProgress` is posted whenever libcurl's upload counter or size changed and the size is known,
 *   about once per send buffer, without throttling; each event reads the latest values when it is
 *   delivered, as unsigned 32-bit numbers, counting the whole request body.
 * - `destroy()` only raises a flag and lets go of the object: the transfer goes on; the next header line or
 *   body chunk libcurl delivers is refused, which fails the request with 2300023; listeners that were not
 *   removed still get the events that follow (send progress). A request on a destroyed object fails with
 *   2300999 (inferred: `ExecRequest` returns early without an error code).
 */
import type http from '@ohos.net.http';
import { EventQueue } from '../dispatcher';
import { httpRequests, listenerErrors, type LiveHttpRequest } from '../state';
import { CurlTransfer } from './curl-transfer';
import { curlError, listenerArgumentError, parseError, UNKNOWN_OTHER_ERROR } from './errors';
import { EmulatedBusinessError } from '../errors';
import { isSupportedMethod, parseRequest, sendsBody } from './request-options';
import { ResponseHeaders } from './response-headers';

const EVENT_TYPES = new Set(['headersReceive', 'dataReceive', 'dataEnd', 'dataReceiveProgress', 'dataSendProgress']);

type Listener = (value?: unknown) => void;

interface Running {
  readonly transfer: CurlTransfer;
  readonly bytesInMemory: number;
}

/** The native side of one HttpRequest (netstack's EventManager and its requests). */
class EventManager implements LiveHttpRequest {
  readonly listeners = new Map<string, Listener>();
  readonly queue = new EventQueue();
  readonly running = new Set<Running>();
  destroyed = false;

  get transfers(): number {
    return this.running.size;
  }

  get bytesInMemory(): number {
    let total = 0;
    for (const r of this.running) total += r.bytesInMemory;
    return total;
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  emit(type: string, value?: unknown): void {
    const listener = this.listeners.get(type);
    if (listener === undefined) return;
    try {
      listener(value);
    } catch (error) {
      listenerErrors.push(error);
      console.error(`[ohos emulation] a '${type}' listener threw:`, error);
    }
  }

  /** Forgets the object once it is destroyed and nothing of it runs. */
  settle(): void {
    if (this.destroyed && this.running.size === 0) httpRequests.delete(this);
  }

  /** resetEmulation(): everything stops at once, nothing is delivered any more. */
  destroy(): void {
    this.queue.clear();
    for (const r of this.running) void r.transfer.kill();
    this.running.clear();
    this.listeners.clear();
    this.destroyed = true;
  }
}

export class HttpRequestEmulation implements http.HttpRequest {
  private readonly manager = new EventManager();

  constructor() {
    httpRequests.add(this.manager);
  }

  /** `on(type, callback)`: exactly a string and a function, else it throws 401. */
  on(...args: unknown[]): void {
    const [type, callback] = args;
    if (args.length !== 2 || typeof type !== 'string' || typeof callback !== 'function') throw listenerArgumentError();
    if (EVENT_TYPES.has(type)) this.manager.listeners.set(type, callback as Listener);
  }

  /** `off(type)` or `off(type, callback)`, else it throws 401. */
  off(...args: unknown[]): void {
    const [type, callback] = args;
    if ((args.length !== 1 && args.length !== 2) || typeof type !== 'string') throw listenerArgumentError();
    if (args.length === 2 && typeof callback !== 'function') throw listenerArgumentError();
    if (args.length === 1 || this.manager.listeners.get(type) === callback) this.manager.listeners.delete(type);
  }

  destroy(): void {
    if (this.manager.destroyed) return;
    this.manager.destroyed = true;
    this.manager.settle();
  }

  requestInStream(...args: [url: string, options?: http.HttpRequestOptions]): Promise<number> {
    const manager = this.manager;
    const parsed = parseRequest(args[0], args[1], args.length);
    return new Promise<number>((resolve, reject) => {
      const refuse = (error: EmulatedBusinessError): void => manager.queue.post(() => reject(error));
      if (parsed === undefined) return refuse(parseError());
      if (manager.destroyed || !isSupportedMethod(parsed.method)) {
        return refuse(new EmulatedBusinessError(UNKNOWN_OTHER_ERROR, 'Unknown Other Error'));
      }
      const headers = new ResponseHeaders();
      let sent = 0;
      let total = 0;
      const transfer = new CurlTransfer(
        {
          url: parsed.url,
          method: parsed.method,
          headers: parsed.headers,
          mime: sendsBody(parsed.method) ? parsed.mime : undefined,
          timeoutMs: parsed.readTimeoutMs,
          connectTimeoutMs: parsed.connectTimeoutMs,
        },
        {
          header(line) {
            if (manager.destroyed) return false;
            const block = headers.append(line);
            if (block !== undefined && manager.listeners.has('headersReceive')) {
              manager.queue.post(() => manager.emit('headersReceive', block));
            }
            return true;
          },
          body(chunk) {
            if (manager.destroyed) return false;
            const data = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer;
            manager.queue.post(() => manager.emit('dataReceive', data));
            return true;
          },
          progress(now, size) {
            if (size === 0 || size < now || (now === sent && size === total)) return;
            sent = now;
            total = size;
            manager.queue.post(() =>
              manager.emit('dataSendProgress', { sendSize: sent >>> 0, totalSize: total >>> 0 }),
            );
          },
        },
      );
      const running: Running = { transfer, bytesInMemory: parsed.bytesInMemory };
      manager.running.add(running);
      transfer.done.then((result) => {
        manager.running.delete(running);
        manager.queue.post(() => {
          if (result.ok) {
            manager.emit('dataEnd');
            resolve(result.status);
          } else {
            reject(curlError(result.code));
          }
          manager.settle();
        });
      });
      transfer.start();
    });
  }
}
