/** A value now or later: memory adapters answer synchronously so the hot path needs no promise. */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof Reflect.get(v, 'then') === 'function';
}

/** (Not named `then`: a module exporting `then` is a thenable namespace.) Apply `f` now when `v` is ready, else when it resolves. */
export function andThen<T, U>(v: MaybePromise<T>, f: (t: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(v) ? v.then(f) : f(v);
}
