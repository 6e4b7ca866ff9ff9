import { describe, expect, it } from 'vitest';
import { parseInterfaceName, parseWorldItems, unversionedName } from '../../../src/component/index.js';

describe('parseInterfaceName', () => {
  it('splits namespace, package, interface and version', () => {
    expect(parseInterfaceName('wasi:http/incoming-handler@0.2.10')).toEqual({
      namespace: 'wasi',
      package: 'http',
      interface: 'incoming-handler',
      version: '0.2.10',
    });
    expect(parseInterfaceName('wasi:config/runtime@0.2.0-draft')?.version).toBe('0.2.0-draft');
    expect(parseInterfaceName('wasi:io/poll@0.2.0-rc-2023-11-10+build.1')?.version).toBe('0.2.0-rc-2023-11-10+build.1');
  });

  it('leaves the version out of unversioned names', () => {
    const parsed = parseInterfaceName('example:calc/host');
    expect(parsed).toEqual({ namespace: 'example', package: 'calc', interface: 'host' });
    expect(parsed && 'version' in parsed).toBe(false);
  });

  it('rejects plain names and malformed references', () => {
    for (const name of ['log', 'wasi:http', 'wasi/http', ':http/types', 'wasi:http/types@', 'wasi:http/types extra']) {
      expect(parseInterfaceName(name), name).toBeUndefined();
    }
  });

  it('strips the version for unversionedName', () => {
    expect(unversionedName('wasi:http/types@0.2.10')).toBe('wasi:http/types');
    expect(unversionedName('example:calc/host')).toBe('example:calc/host');
  });
});

describe('parseWorldItems', () => {
  const wit = `package root:component;

world root {
  import wasi:io/poll@0.2.10;
  // import commented:out/thing@1.0.0;
  import log: func(message: string);
  import %type: func() -> u32;
  import helpers: interface {
    record point { x: u32, y: u32 }
    import-like: func(p: point) -> string;
    export-ish: func();
  }
  use wasi:io/poll@0.2.10.{pollable};
  import wasi:config/runtime@0.2.0-draft;

  export run: async func();
  export example:calc/calc@0.1.0;
  export inline-out: interface { f: func(); }
}

world other {
  import not:this/one;
}
`;

  it('reads interface, function and inline-interface items of the first world in order', () => {
    expect(parseWorldItems(wit)).toEqual({
      imports: [
        { name: 'wasi:io/poll@0.2.10', kind: 'interface' },
        { name: 'log', kind: 'function' },
        { name: 'type', kind: 'function' },
        { name: 'helpers', kind: 'inline-interface' },
        { name: 'wasi:config/runtime@0.2.0-draft', kind: 'interface' },
      ],
      exports: [
        { name: 'run', kind: 'function' },
        { name: 'example:calc/calc@0.1.0', kind: 'interface' },
        { name: 'inline-out', kind: 'inline-interface' },
      ],
    });
  });

  it('selects a world by name', () => {
    expect(parseWorldItems(wit, 'other')).toEqual({
      imports: [{ name: 'not:this/one', kind: 'interface' }],
      exports: [],
    });
    expect(parseWorldItems(wit, 'missing')).toEqual({ imports: [], exports: [] });
  });
});
