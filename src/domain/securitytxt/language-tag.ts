/**
 * BCP 47 language tags (RFC 5646), as `Preferred-Languages` needs them: well-formed by the ABNF of
 * section 2.1, a primary language subtag of 2 or 3 letters (the only lengths the registry holds),
 * and the validity rules that need no registry (no repeated variant, no repeated extension
 * singleton, sections 2.2.5 and 2.2.6). Subtag by subtag, so any input is linear time.
 */

const IRREGULAR = ['en-gb-oed', 'i-ami', 'i-bnn', 'i-default', 'i-enochian', 'i-hak', 'i-klingon', 'i-lux', 'i-mingo', 'i-navajo', 'i-pwn', 'i-tao', 'i-tay', 'i-tsu', 'sgn-be-fr', 'sgn-be-nl', 'sgn-ch-de'];
const REGULAR = ['art-lojban', 'cel-gaulish', 'no-bok', 'no-nyn', 'zh-guoyu', 'zh-hakka', 'zh-min', 'zh-min-nan', 'zh-xiang'];
const GRANDFATHERED = new Set([...IRREGULAR, ...REGULAR]);

const ALPHA = /^[a-z]+$/;
const DIGITS = /^[0-9]+$/;
const ALPHANUM = /^[a-z0-9]+$/;

const isAlpha = (s: string, min: number, max: number) => s.length >= min && s.length <= max && ALPHA.test(s);
const isAlphanum = (s: string, min: number, max: number) => s.length >= min && s.length <= max && ALPHANUM.test(s);

/** True when `tag` is a well-formed RFC 5646 language tag, e.g. `en`, `de-CH`, `zh-Hant-TW`, `x-private`. */
export function isLanguageTag(tag: string): boolean {
  if (tag.length === 0 || tag.length > 255) return false;
  const lower = tag.toLowerCase();
  if (GRANDFATHERED.has(lower)) return true;
  const subtags = lower.split('-');
  if (subtags.some((s) => s.length === 0 || s.length > 8 || !ALPHANUM.test(s))) return false;
  let i = 0;
  const at = () => subtags[i];
  const privateUse = () => {
    // "x" 1*("-" (1*8alphanum)); the subtags were checked above.
    if (at() !== 'x') return false;
    i += 1;
    if (i >= subtags.length) return false;
    i = subtags.length;
    return true;
  };
  if (at() === 'x') return privateUse();

  // language: 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA. The registry holds no primary language
  // subtag of 4 to 8 letters (4 are reserved, 5 to 8 "discouraged", none registered), so only 2 or 3
  // letters are taken: "english" or "deutsch" are words, not tags.
  const language = at()!;
  if (!isAlpha(language, 2, 3)) return false;
  i += 1;
  for (let n = 0; n < 3 && i < subtags.length && isAlpha(at()!, 3, 3); n++) i += 1; // extlang
  if (i < subtags.length && isAlpha(at()!, 4, 4)) i += 1; // script
  if (i < subtags.length && (isAlpha(at()!, 2, 2) || (at()!.length === 3 && DIGITS.test(at()!)))) i += 1; // region
  const variants = new Set<string>();
  while (i < subtags.length) {
    const s = at()!;
    const variant = isAlphanum(s, 5, 8) || (s.length === 4 && /^[0-9]/.test(s));
    if (!variant) break;
    if (variants.has(s)) return false;
    variants.add(s);
    i += 1;
  }
  const singletons = new Set<string>();
  while (i < subtags.length && at()!.length === 1 && at() !== 'x') {
    const singleton = at()!;
    if (singletons.has(singleton)) return false;
    singletons.add(singleton);
    i += 1;
    let parts = 0;
    while (i < subtags.length && isAlphanum(at()!, 2, 8)) {
      i += 1;
      parts += 1;
    }
    if (parts === 0) return false;
  }
  if (i < subtags.length && at() === 'x') return privateUse();
  return i === subtags.length;
}
