// Builds the core into one ES module per target. Platform modules (@kit.*, @ohos.*) stay imports: the
// ArkTS compiler resolves them against the SDK.
import { fileURLToPath } from 'node:url';
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

// The Taro harmony-hybrid shim: Taro's module stays an import of the app's own Taro, and the hybrid entry
// an import of dist/hybrid/index.js, so that an app that also imports harmony-upload-task/hybrid has one
// copy of the library (one queue).
const hybridEntry = fileURLToPath(new URL('./src/hybrid/index', import.meta.url));
const taroShim = {
  external: (id) => id.startsWith('@tarojs/') || id === '../hybrid/index',
  paths: (id) => (id === hybridEntry ? '../hybrid/index.js' : id),
};

function taroTarget(name, input) {
  return [
    {
      input,
      external: taroShim.external,
      output: { file: `dist/taro/${name}.js`, format: 'es', sourcemap: true, paths: taroShim.paths },
      plugins: [typescript({ tsconfig: './tsconfig.build.json', outputToFilesystem: false })],
    },
    {
      input,
      external: taroShim.external,
      output: { file: `dist/taro/${name}.d.ts`, format: 'es', paths: taroShim.paths },
      plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    },
  ];
}

export default [
  ...target('arkts', 'src/arkts/index.ts'),
  ...target('hybrid', 'src/hybrid/index.ts'),
  ...taroTarget('hybrid', 'src/taro/hybrid.ts'),
  hybridScript,
];
