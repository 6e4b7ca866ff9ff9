import { errorChain } from '../errors.js';
import { maskSecrets } from '../lattice/credentials.js';

/** wash v1 JSON contract: the command's flat map plus `"success": true`, one document on stdout. */
export function successDocument(result: Record<string, unknown>, addSuccess = true): string {
  const doc = addSuccess ? { ...result, success: true } : result;
  return JSON.stringify(doc, null, 2) + '\n';
}

export function errorDocument(err: unknown): string {
  const chain = errorChain(err);
  const doc: Record<string, unknown> = { success: false, error: chain[0] ?? 'unknown error' };
  if (chain.length > 1) doc.error_chain = chain.slice(1);
  const suggestion = (err as { suggestion?: string } | null)?.suggestion;
  if (suggestion) doc.suggestion = suggestion;
  return maskSecrets(JSON.stringify(doc, null, 2)) + '\n';
}
