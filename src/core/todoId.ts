/**
 * An id made of the section path, the text and which duplicate it is. It stays the same
 * while the file does not change, and also across edits elsewhere and across ticking it off.
 */
export function todoId(key: string, occurrence: number): string {
  return hashHex(fnv1a(FNV_OFFSET, `${key}\u0002${occurrence}`));
}

export const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over UTF-16 code units, continuing from `hash`. */
export function fnv1a(hash: number, input: string): number {
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function hashHex(hash: number): string {
  return hash.toString(16).padStart(8, '0');
}
