export class CapabilityTimeout extends Error {
  override name = 'CapabilityTimeout';
}

/** `work`, or a CapabilityTimeout after `ms` (the work itself is not cancelled; its late result is dropped). */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CapabilityTimeout(`${what} did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
