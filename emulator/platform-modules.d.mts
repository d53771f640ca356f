export declare const platformModules: Record<string, URL>;
