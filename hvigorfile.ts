/// <reference path="./hvigor/hvigor-ohos-plugin.d.ts" />
// The project's build script for hvigor (DevEco's build tool). Only hvigor runs it; the reference above
// lets the repository's own tsc (tsconfig.json includes *.ts) check it without the hvigor packages.
import { appTasks } from '@ohos/hvigor-ohos-plugin';

export default {
  system: appTasks, // Built-in plugin of hvigor; it cannot be modified.
  plugins: [], // Custom plugins that extend hvigor.
};
