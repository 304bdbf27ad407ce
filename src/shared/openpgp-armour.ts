/**
 * Armoured OpenPGP messages inside a text (a mailed reply, a pasted note): found the same way by
 * the mail intake, the contact log's read path and the case page, which decrypts them. Pure
 * TypeScript, importable by web/.
 */
const ARMOURED_MESSAGE = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/g;

/** Every armoured message in `text`, in order. */
export function armouredMessages(text: string): string[] {
  return text.match(ARMOURED_MESSAGE) ?? [];
}

export function hasArmouredMessage(text: string | null | undefined): boolean {
  return text ? armouredMessages(text).length > 0 : false;
}

/** `text` without its armoured messages: what was sent in the clear beside them. */
export function outsideArmour(text: string): string {
  return text.replace(ARMOURED_MESSAGE, '');
}
