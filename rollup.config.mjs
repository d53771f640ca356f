// Builds the core into one ES module per target. Platform modules (@kit.*, @ohos.*) stay imports: the
// ArkTS compiler resolves them against the SDK.
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const platform = /^@(kit|ohos)\./;

function target(name, input) {
  return [
    {
      input,
      external: platform,
      output: { file: `dist/${name}/index.js`, format: 'es', sourcemap: true },
      plugins: [typescript({ tsconfig: './tsconfig.build.json', outputToFilesystem: false })],
    },
    {
      input,
      external: platform,
      output: { file: `dist/${name}/index.d.ts`, format: 'es' },
      plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    },
  ];
}

// The hybrid entry also as one minified script for a plain <script> tag: window.HarmonyUploadTask.
const hybridScript = {
  input: 'src/hybrid/index.ts',
  output: {
    file: 'dist/hybrid/harmony-upload-task.iife.js',
    format: 'iife',
    name: 'HarmonyUploadTask',
    sourcemap: true,
  },
  plugins: [typescript({ tsconfig: './tsconfig.build.json', outputToFilesystem: false }), terser()],
};

export default [...target('arkts', 'src/arkts/index.ts'), ...target('hybrid', 'src/hybrid/index.ts'), hybridScript];
