/** What one blobstore (a directory tree, a set of NATS object-store buckets) must do. */
export interface ObjectMeta {
  size: number;
  /** Seconds since the Unix epoch. */
  createdAt: number;
}

export interface BlobBackend {
  /** Creates the container if it does not exist yet (like the upstream providers); returns its creation time. */
  createContainer(container: string): Promise<number>;
  /** Creation time (seconds since the epoch), or undefined when there is no such container. */
  containerCreatedAt(container: string): Promise<number | undefined>;
  deleteContainer(container: string): Promise<void>;
  /** The object's bytes (all of them), or undefined when absent. */
  get(container: string, object: string): Promise<Uint8Array | undefined>;
  put(container: string, object: string, data: Uint8Array): Promise<void>;
  /** Object names, in no particular order. */
  list(container: string): Promise<string[]>;
  /** Deleting an absent object is not an error. */
  delete(container: string, object: string): Promise<void>;
  info(container: string, object: string): Promise<ObjectMeta | undefined>;
}

export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
