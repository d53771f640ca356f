/**
 * The builds the figures load (the hybrid IIFE in Chromium, the ArkTS build for its size). bench/run.ts
 * makes them once (scripts/builds.ts: dist/ when fresh, else one rollup build into a temporary folder)
 * and hands their paths to each figure's process in the environment; a figure run on its own builds them
 * itself.
 */
import { ensureBuilds } from '../../scripts/builds';
import type { Builds } from '../../scripts/builds';

export const BUILD_ENV = {
  hybridIife: 'BENCH_HYBRID_IIFE',
  arktsJs: 'BENCH_ARKTS_JS',
  origin: 'BENCH_BUILD_ORIGIN',
} as const;

let pending: Promise<Builds> | undefined;

export function builds(): Promise<Builds> {
  if (!pending) {
    const hybridIife = process.env[BUILD_ENV.hybridIife];
    const arktsJs = process.env[BUILD_ENV.arktsJs];
    if (hybridIife && arktsJs) {
      pending = Promise.resolve({
        hybridIife,
        arktsJs,
        origin: process.env[BUILD_ENV.origin] ?? 'given',
        dispose: () => undefined,
      });
    } else {
      pending = ensureBuilds();
      void pending.then(
        (b) => process.once('exit', () => b.dispose()),
        () => undefined,
      );
    }
  }
  return pending;
}
