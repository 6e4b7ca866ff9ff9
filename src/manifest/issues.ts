/** zod issues → findings a person can act on (field path, line, what was expected, what was found). */
import type { z } from 'zod';
import type { Finding } from './findings.js';
import { formatPath, type PathSegment } from './paths.js';
import type { SourceMap } from './source.js';

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

/** Which keys a strict object accepts, recognised from where it sits in the manifest. */
function allowedKeys(path: readonly PathSegment[]): { what: string; keys: string[] } | undefined {
  const n = path.length;
  const last = path[n - 1];
  const prev = path[n - 2];
  const prev2 = path[n - 3];
  if (n === 0) return { what: 'the top level', keys: ['apiVersion', 'kind', 'metadata', 'spec'] };
  if (last === 'properties' && typeof prev === 'number' && prev2 === 'components')
    return { what: 'component properties', keys: ['image', 'application', 'id', 'config', 'secrets'] };
  if (typeof last === 'number' && prev === 'traits') return { what: 'a trait', keys: ['type', 'properties'] };
  if (last === 'properties' && typeof prev === 'number' && prev2 === 'traits')
    return { what: 'scaler properties', keys: ['instances', 'spread'] };
  if (typeof last === 'number' && prev === 'spread')
    return { what: 'a spread', keys: ['name', 'requirements', 'weight'] };
  if (typeof last === 'number' && (prev === 'config' || prev === 'source_config' || prev === 'target_config'))
    return { what: 'a config entry', keys: ['name', 'properties'] };
  return undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return row[b.length];
}

function unknownKeyMessage(key: string, objectPath: readonly PathSegment[]): string {
  const allowed = allowedKeys(objectPath);
  if (!allowed) return `unknown field ${JSON.stringify(key)} is not allowed here`;
  const close = allowed.keys.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close ? `; did you mean ${JSON.stringify(close)}?` : '';
  return `unknown field ${JSON.stringify(key)} is not allowed in ${allowed.what} (allowed: ${allowed.keys.join(', ')})${hint}`;
}

function missingMessage(path: readonly PathSegment[]): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `missing required field ${JSON.stringify(last)}` : 'missing value';
}

/** The branch of a failed union whose problems are the most specific (fewest, and not "wrong type here"). */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const scored = branches
    .filter((b) => b.length > 0)
    .map((b) => ({
      b,
      score: b.length + (b.some((i) => i.code === 'invalid_type' && i.path.length === 0) ? 1000 : 0),
    }));
  scored.sort((x, y) => x.score - y.score);
  return scored[0]?.b;
}

interface Context {
  root: unknown;
  base: readonly PathSegment[];
  sourceMap?: SourceMap;
}

function finding(ctx: Context, path: readonly PathSegment[], msg: string): Finding {
  const full = [...ctx.base, ...path];
  const line = ctx.sourceMap?.lineOf(full);
  return { level: 'Error', msg, path: formatPath(full), ...(line !== undefined ? { line } : {}) };
}

function convert(issue: Issue, prefix: readonly PathSegment[], ctx: Context, out: Finding[]): void {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const value = valueAt(ctx.root, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys)
        out.push(finding(ctx, [...path, key], unknownKeyMessage(key, [...ctx.base, ...path])));
      return;
    case 'invalid_type': {
      if (value === undefined) return void out.push(finding(ctx, path, missingMessage(path)));
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const quote =
        issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
          ? ` (quote it: "${String(value)}")`
          : '';
      return void out.push(finding(ctx, path, `expected ${expected}, got ${describe(value)}${quote}`));
    }
    case 'invalid_union': {
      if (value === undefined) return void out.push(finding(ctx, path, missingMessage(path)));
      const discriminated = issue as Issue & { discriminator?: string; options?: unknown[] };
      if (discriminated.discriminator !== undefined) {
        const options = (discriminated.options ?? []).filter((o) => o !== 'actor').map((o) => JSON.stringify(o));
        return void out.push(
          finding(ctx, path, `${discriminated.discriminator} must be ${options.join(' or ')}, got ${describe(value)}`),
        );
      }
      const branch = bestBranch(issue.errors);
      if (!branch) return void out.push(finding(ctx, path, issue.message));
      for (const inner of branch) convert(inner, path, ctx, out);
      return;
    }
    case 'too_small':
      if (issue.origin === 'number' && Number(issue.minimum) === 0)
        return void out.push(finding(ctx, path, `must not be negative, got ${describe(value)}`));
      return void out.push(finding(ctx, path, `must be at least ${String(issue.minimum)}, got ${describe(value)}`));
    case 'too_big':
      return void out.push(finding(ctx, path, `must be at most ${String(issue.maximum)}, got ${describe(value)}`));
    case 'invalid_value':
      return void out.push(
        finding(
          ctx,
          path,
          `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(value)}`,
        ),
      );
    default:
      if (value === undefined) return void out.push(finding(ctx, path, missingMessage(path)));
      out.push(finding(ctx, path, issue.message));
  }
}

/**
 * Findings for zod issues. `root` is the value that was parsed and `base` its path in the manifest (issues of a
 * nested parse, e.g. one trait's properties, get absolute paths and lines).
 */
export function issueFindings(
  issues: readonly Issue[],
  root: unknown,
  sourceMap?: SourceMap,
  base: readonly PathSegment[] = [],
): Finding[] {
  const out: Finding[] = [];
  const ctx: Context = { root, base, sourceMap };
  for (const issue of issues) convert(issue, [], ctx, out);
  return out;
}
