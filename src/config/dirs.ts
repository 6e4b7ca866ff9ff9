import { join } from 'node:path';

/** XDG directories, as wash 0.43 lays them out, with the WASH_*_DIR overrides. */
export interface WashDirs {
  config: string;
  data: string;
  cache: string;
  contexts: string;
  downloads: string;
  logs: string;
  keys: string;
  dev: string;
}

export function washDirs(env: NodeJS.ProcessEnv = process.env): WashDirs {
  // node:os only without HOME: loading it costs every command's start-up ~0.3 ms.
  const home = env.HOME || process.getBuiltinModule('node:os').homedir();
  const config = env.WASH_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(home, '.config'), 'wash');
  const data = env.WASH_DATA_DIR || join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'wash');
  const cache = env.WASH_CACHE_DIR || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'wash');
  return {
    config,
    data,
    cache,
    contexts: env.WASH_CONTEXT_DIR || join(config, 'contexts'),
    downloads: env.WASH_DOWNLOADS_DIR || join(data, 'downloads'),
    logs: env.WASH_LOGS_DIR || join(data, 'logs'),
    keys: env.WASH_KEYS_DIR || join(data, 'keys'),
    dev: env.WASH_DEV_DIR || join(data, 'dev'),
  };
}
