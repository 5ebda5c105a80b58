// The one piece of node:async_hooks outbound.ts uses (workerd provides it under nodejs_compat);
// declared here rather than pulling @types/node into the Worker's type check.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, fn: () => R): R;
    getStore(): T | undefined;
  }
}
