import { describe, expect, it } from 'vitest';
import { armouredMessages, hasArmouredMessage, outsideArmour } from '../../src/shared/openpgp-armour.js';

/**
 * Finding armoured messages in mailed text (src/shared/openpgp-armour.ts): every mail the intake
 * receives goes through it, so it must be right and take time linear in the text, whatever the text.
 */
const BEGIN = '-----BEGIN PGP MESSAGE-----';
const END = '-----END PGP MESSAGE-----';
const block = (body: string) => `${BEGIN}\n\n${body}\n${END}`;

describe('armoured messages in a text', () => {
  it('finds each message, in order, and what is outside them', () => {
    const text = `Hello,\n${block('wcBMA1')}\nand\n${block('wcBMA2')}\n-- \nPSIRT`;
    expect(armouredMessages(text)).toEqual([block('wcBMA1'), block('wcBMA2')]);
    expect(hasArmouredMessage(text)).toBe(true);
    expect(outsideArmour(text)).toBe('Hello,\n\nand\n\n-- \nPSIRT');
  });

  it('takes a message from its first BEGIN line to the nearest END line; a BEGIN with no END is text', () => {
    const text = `${BEGIN}\nx\n${block('y')}\ntrailing ${BEGIN} without end`;
    expect(armouredMessages(text)).toEqual([`${BEGIN}\nx\n${block('y')}`]);
    expect(outsideArmour(text)).toBe(`\ntrailing ${BEGIN} without end`);
    expect(armouredMessages(`${END}\n${BEGIN}`)).toEqual([]);
    expect(hasArmouredMessage(`only ${BEGIN}`)).toBe(false);
    expect(hasArmouredMessage(null)).toBe(false);
    expect(outsideArmour('plain')).toBe('plain');
  });

  it('reads a hostile text of BEGIN lines without END in linear time', () => {
    // 2.2 MB: a lazy BEGIN…END regular expression needs about half a minute here (quadratic).
    const hostile = `${BEGIN}\n`.repeat(80_000);
    const started = performance.now();
    expect(armouredMessages(hostile)).toEqual([]);
    expect(outsideArmour(hostile)).toBe(hostile);
    expect(hasArmouredMessage(`${hostile}${END}`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
