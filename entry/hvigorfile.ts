import { hapTasks } from '@ohos/hvigor-ohos-plugin';

export default {
  system: hapTasks, // Built-in plugin of hvigor; it cannot be modified.
  plugins: [], // Custom plugins that extend hvigor.
};
