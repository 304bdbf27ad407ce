/**
 * Identifiers are UUIDs made in application code, so migrations stay portable. They are version 7
 * (RFC 9562): a millisecond timestamp, then 74 random bits. Rows made together have neighbouring
 * keys, so every table's primary-key index grows at its end instead of at random places: fewer
 * pages touched per insert. The creation time they carry is shown next to each object anyway.
 * They are names, not secrets: access is decided by the policies, never by an id being unguessable.
 */
const pool = new Uint8Array(16 * 512);
let offset = pool.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function newId(): string {
  if (offset === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i++) s += HEX[b[i]!];
    return s;
  };
  return `${h(0, 4)}-${h(4, 6)}-${h(6, 8)}-${h(8, 10)}-${h(10, 16)}`;
}

/**
 * A short reference for people (mail subjects, lists, log lines): the id's last 8 hex digits,
 * random in every UUID version — a version 7 id begins with its time, which ids made together share.
 */
export function shortRef(id: string): string {
  return id.slice(-8);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isId(value: string): boolean {
  return UUID.test(value);
}
