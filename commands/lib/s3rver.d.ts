// Types for the parts of s3rver 3.7.1 (an S3 API server written in Node.js) that the scripts use.
// s3rver ships no type declarations. Source: https://github.com/jamhall/s3rver/blob/v3.7.1/lib/s3rver.js
declare module "s3rver" {
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    /** Host to listen on. @default "localhost" */
    readonly address?: string;
    /** Port to listen on; 0 picks a free port. @default 4568 */
    readonly port?: number;
    /** Suppress request logging. @default false */
    readonly silent?: boolean;
    /** Directory that holds buckets and objects on disk. @default `<os.tmpdir()>/s3rver` */
    readonly directory?: string;
    /** Delete every bucket when the server closes. @default false */
    readonly resetOnClose?: boolean;
    /** Buckets created (if missing) before the server starts listening. @default [] */
    readonly configureBuckets?: readonly { readonly name: string }[];
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** The object store (s3rver's `FilesystemStore` over `directory`); replaceable before `run()`. */
    store: import("s3rver/lib/stores/filesystem").FilesystemStore;
    /** The Koa context prototype; request handlers read `ctx.store` from it. */
    readonly context: { store: import("s3rver/lib/stores/filesystem").FilesystemStore };
    /** Creates the configured buckets and starts listening; resolves to the bound address. */
    run(): Promise<AddressInfo>;
    /** Stops listening; resolves when open connections have ended. */
    close(): Promise<void>;
    /**
     * Called after each object PUT, POST, COPY or DELETE with an S3-event-like message (lib/models/event.js):
     * `{Records: [{eventName, s3: {bucket: {name}, object: {key (as stored, not encoded), size, eTag}}}]}`.
     */
    on(event: "event", listener: (message: S3rverEvent) => void): this;
  }

  /** What s3rver emits after an object operation (one record). */
  interface S3rverEvent {
    readonly Records: readonly {
      readonly eventName: string;
      readonly eventTime: string;
      readonly s3: {
        readonly bucket: { readonly name: string };
        readonly object: { readonly key: string; readonly size?: number; readonly eTag?: string };
      };
    }[];
  }

  export default S3rver;
}

declare module "s3rver/lib/stores/filesystem" {
  /** s3rver's store of buckets and objects as files under a directory. */
  class FilesystemStore {
    constructor(rootDirectory: string);
    /** Path of a bucket's object file (`resource` `object`, `metadata.json`, ...) for `key`. */
    getResourcePath(bucket: string, key?: string, resource?: string): string;
  }

  type FilesystemStoreClass = typeof FilesystemStore;

  export = FilesystemStore;
  export type { FilesystemStore, FilesystemStoreClass };
}
