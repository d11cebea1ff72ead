/**
 * A map that keeps at most `capacity` entries, for what a process remembers beside the store
 * (the last version of a record it read or wrote, the DID documents it resolved) without growing
 * for as long as it runs. Writing a key makes it the newest; a write past the capacity drops the
 * oldest-written entry. A read does not refresh an entry: what is kept is what was written last.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  /** `capacity`: entries kept at most (0 keeps none). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new TypeError(`capacity must be a whole number ≥ 0, got ${capacity}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Keeps `value` as the newest entry, dropping the oldest ones past the capacity. */
  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
