// The one export of @ohos/hvigor-ohos-plugin that the root hvigorfile.ts uses. hvigor brings the real
// package (it is not on npm); this declaration only lets the repository's tsc, whose tsconfig.json
// includes the root *.ts files, check hvigorfile.ts. The plugin's type is hvigor's business: opaque here.
declare module '@ohos/hvigor-ohos-plugin' {
  export const appTasks: object;
}
