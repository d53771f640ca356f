/**
 * The files apps upload (a picker's file://media/ URI, the internal:// forms, a tempDir path) on every
 * ArkTS engine. An engine joins with one line: its name and which forms it uploads from a copy.
 */
import { beforeAll, describe, it } from 'vitest';
import { configureEmulation } from '../../emulator/control';
import type { ArkTsBackend } from '../../src/arkts/types';
import { type SourceProfile, sourceCases } from '../contract/sources';
import { useArktsTarget } from './target';

const engines: Array<[ArkTsBackend, SourceProfile]> = [
  // request.agent takes every form where it is, a user file's URI included (FOREGROUND).
  ['agent', { copies: () => false }],
  // request.uploadFile takes only internal://cache/ paths: everything else is copied there.
  ['uploadFile', { copies: (form) => form !== 'internal://cache/' }],
  // @ohos.net.http takes sandbox paths only: a user file is uploaded from a copy.
  ['http', { copies: (form) => form === 'file://media/' }],
];

describe.each(engines)('picker files on %s', (backend, profile) => {
  const suite = useArktsTarget({ backend });
  // request.uploadFile retries a network failure 4 times, 400 ms apart as on devices; shorter pauses keep
  // the failure case quick (useArktsTarget's reset restores them).
  beforeAll(() => configureEmulation({ retryIntervalMs: 20 }));
  for (const c of sourceCases(profile)) it(c.name, () => c.run(suite.target));
});
