import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOciCacheDir } from '../../../src/oci/blob-cache.js';

describe('OCI cache location', () => {
  it('is <XDG cache>/wash/oci, ~/.cache/wash/oci without XDG_CACHE_HOME, and WASH_CACHE_DIR/oci when set', () => {
    expect(defaultOciCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg/cache' })).toBe(
      join('/xdg/cache', 'wash', 'oci'),
    );
    expect(defaultOciCacheDir({ HOME: '/home/u' })).toBe(join('/home/u', '.cache', 'wash', 'oci'));
    expect(defaultOciCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg', WASH_CACHE_DIR: '/w' })).toBe(
      join('/w', 'oci'),
    );
  });
});
