/**
 * The source files of test/contract/sources.ts on the emulated device, for every target whose native side
 * runs over the emulation (the ArkTS engines, the bridge): files where each form points, the media
 * library's user files, and the file copies the emulation counts.
 */
import type { common } from '@kit.AbilityKit';
import { addUserFile, emulationStats, fileCopiesStarted, holdFileCopies, revokeUserFile } from '../../emulator/control';
import { APPLICATION_DIRS, getSandbox } from '../../emulator/sandbox';
import type { SourceFile, SourceForm, SourceTarget } from '../contract/sources';

export type EmulatedSources = Pick<SourceTarget, 'sourceFile' | 'unreadableUserFile' | 'copies' | 'holdCopies'>;

/** The directories the sandbox forms write to, for a bridge's allowedPaths. */
export function sourceDirs(context: common.Context): string[] {
  return [`${context.cacheDir}/picked`, `${context.filesDir}/picked`, context.tempDir, APPLICATION_DIRS.tempDir];
}

let files = 0;

export function emulatedSources(context: common.Context): EmulatedSources {
  const sandbox = getSandbox();
  const content = (size: number): { size: number; seed: number } => ({ size, seed: 5000 + files });
  /** A sandbox file at `dir/name`, passed as `prefix + name`. */
  const inSandbox = async (dir: string, prefix: string, name: string, size: number): Promise<SourceFile> => {
    const sha256 = await sandbox.writeFile(`${dir}/${name}`, content(size));
    return { filePath: `${prefix}${name}`, sha256, size, fileName: name.slice(name.lastIndexOf('/') + 1) };
  };
  return {
    async sourceFile(form: SourceForm, size: number, name: string): Promise<SourceFile> {
      const n = ++files;
      switch (form) {
        case 'file://media/': {
          const photo = await addUserFile({ content: content(size), displayName: name });
          return { filePath: photo.uri, sha256: photo.sha256, size, fileName: name };
        }
        case 'internal://cache/':
          return inSandbox(context.cacheDir, 'internal://cache/', `picked/${n}-${name}`, size);
        case 'internal://files/':
          return inSandbox(context.filesDir, 'internal://files/', `picked/${n}-${name}`, size);
        case 'internal://temp/':
          // As Taro's hybrid shell names the pictures it copies: <time>_<name>.
          return inSandbox(context.tempDir, 'internal://temp/', `${Date.now()}${n}_${name}`, size);
        case 'tempDir':
          return inSandbox(APPLICATION_DIRS.tempDir, `${APPLICATION_DIRS.tempDir}/`, `${n}-${name}`, size);
      }
    },
    async unreadableUserFile(why) {
      const file = await addUserFile({
        content: 'not for this app',
        displayName: `${why}.jpg`,
        access: why === 'denied' ? 'denied' : 'granted',
      });
      if (why === 'revoked') revokeUserFile(file.uri);
      return file.uri;
    },
    copies: () => ({ started: fileCopiesStarted(), running: emulationStats().copiesRunning }),
    holdCopies: holdFileCopies,
  };
}
