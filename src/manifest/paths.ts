/** Field paths as people read them: `spec.components[1].traits[0].properties.target`. No imports. */

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function joinPath(base: readonly PathSegment[], ...rest: PathSegment[]): PathSegment[] {
  return [...base, ...rest];
}
