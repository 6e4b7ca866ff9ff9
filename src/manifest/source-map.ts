/** Where each field of a manifest starts in its text (filled by the YAML readers in source.ts and yaml-subset.ts). */
import { formatPath, type PathSegment } from './paths.js';

export interface SourcePosition {
  line: number;
  column: number;
}

/** Field path → where it starts in the text. Paths missing from the text resolve to their nearest ancestor. */
export class SourceMap {
  private readonly positions = new Map<string, SourcePosition>();

  set(path: readonly PathSegment[], pos: SourcePosition): void {
    const key = formatPath(path);
    if (!this.positions.has(key)) this.positions.set(key, pos);
  }

  has(path: readonly PathSegment[]): boolean {
    return this.positions.has(formatPath(path));
  }

  /** Line of `path`, or of its closest ancestor present in the text. */
  lineOf(path: readonly PathSegment[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const pos = this.positions.get(formatPath(path.slice(0, n)));
      if (pos) return pos.line;
    }
    return undefined;
  }

  get size(): number {
    return this.positions.size;
  }

  /** Every recorded path (formatted) and position, in the order they were first set. */
  entries(): Array<[string, SourcePosition]> {
    return [...this.positions];
  }
}
