/**
 * `readBoundedFile` for files the CLI user named (manifests, credentials, contexts, components to inspect):
 * the same rules (regular files only, a hard byte limit), failures as `UserError`s naming what and where.
 */
import { UserError } from '../errors.js';
import { BoundedReadError, readBoundedFile, readBoundedFileSync } from './read-bounded.js';

export interface UserFileOptions {
  /** How the file is named in messages: `manifest file`, `NATS credentials file`, `--wadm-manifest`… */
  what: string;
  maxBytes: number;
  /** Shown with "not found". */
  notFoundSuggestion?: string;
}

function toUserError(err: unknown, path: string, o: UserFileOptions): unknown {
  if (!(err instanceof BoundedReadError)) return err;
  switch (err.reason) {
    case 'not-found':
      return new UserError(`${o.what} not found: ${path}`, {
        suggestion: o.notFoundSuggestion ?? 'check the path (relative paths are resolved from the current directory)',
      });
    case 'directory':
      return new UserError(`${o.what} ${path} is a directory, not a file`, { suggestion: 'give the path of a file' });
    case 'not-a-file':
      return new UserError(`${o.what} ${path} is not a regular file`, {
        suggestion: 'give the path of a file (not a directory, device or pipe)',
      });
    case 'too-large':
      return new UserError(
        `${o.what} ${path} is too large${err.size === undefined ? '' : `: ${err.size} bytes`}, the limit is ${o.maxBytes} bytes`,
      );
    default:
      return new UserError(
        `cannot read ${o.what} ${path}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
        { cause: err },
      );
  }
}

export async function readUserFile(path: string, o: UserFileOptions): Promise<Buffer> {
  try {
    return await readBoundedFile(path, o.maxBytes);
  } catch (err) {
    throw toUserError(err, path, o);
  }
}

export function readUserFileSync(path: string, o: UserFileOptions): Buffer {
  try {
    return readBoundedFileSync(path, o.maxBytes);
  } catch (err) {
    throw toUserError(err, path, o);
  }
}

/** Credentials, contexts and other small settings files. */
export const SMALL_FILE_MAX_BYTES = 1024 * 1024;
