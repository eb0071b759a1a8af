// One way to load a service on first use: the first frame must not wait for execa, nix readers
// or the run layer. Each wrapped method loads the service once, then calls it.

type AsyncMethod = (...args: never[]) => Promise<unknown>;

export interface Lazy<T> {
  /** the service, loading it on the first call */
  get(): Promise<T>;
  /** the service when loading has started, else null (nothing to close) */
  started(): Promise<T> | null;
  /** `name` of the service as a method that loads it first */
  method<K extends keyof T>(name: K): T[K] extends AsyncMethod ? T[K] : never;
}

export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let loaded: Promise<T> | null = null;
  const get = (): Promise<T> => (loaded ??= load());
  return {
    get,
    started: () => loaded,
    method<K extends keyof T>(name: K) {
      const call = async (...args: unknown[]): Promise<unknown> => {
        const service = await get();
        return (service[name] as (...a: unknown[]) => Promise<unknown>).apply(service, args);
      };
      return call as T[K] extends AsyncMethod ? T[K] : never;
    },
  };
}
