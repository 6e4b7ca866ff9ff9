// Types for scripts/build-fixtures.mjs (imported by test/helpers/fixtures.ts and the fixture tests).
export interface WatFixture {
  name: string;
  wat: string;
  world: string;
  body?: string;
}
export interface JsFixture {
  name: string;
  source: string;
  world: string;
}

export declare const FIXTURES_DIR: string;
export declare const WIT_DIR: string;
export declare const JS_BUILD_DIR: string;
export declare const WAT_FIXTURES: WatFixture[];
export declare const JS_FIXTURES: JsFixture[];

export declare function watFixturePath(name: string): string;
export declare function jsFixturePath(name: string): string;
export declare function buildWatFixtures(): Promise<Map<string, Uint8Array>>;
export declare function checkWatFixtures(): Promise<string[]>;
export declare function jsFixtureKey(fixture: JsFixture): string;
export declare function staleJsFixtures(): JsFixture[];
export declare function ensureJsFixtures(options?: {
  force?: boolean;
  log?: (line: string) => void;
}): Promise<Record<string, string>>;
export declare function syncWasiWit(log?: (line: string) => void): void;
