// Builds the core into one ES module per target. Platform modules (@kit.*, @ohos.*) stay imports: the
// ArkTS compiler resolves them against the SDK.
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

export default [...target('arkts', 'src/arkts/index.ts')];
