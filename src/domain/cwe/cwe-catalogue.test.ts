import { describe, expect, it } from 'vitest';
import { allCwes, cweById, cweCatalogueInfo, searchCwe } from './cwe-catalogue.js';

const ids = (query: string, limit?: number, includeDeprecated?: boolean) => searchCwe(query, limit, { includeDeprecated }).map((e) => e.id);

describe('the CWE catalogue', () => {
  it('holds the whole MITRE list of weaknesses from cwe-sdk, not a short list', () => {
    const info = cweCatalogueInfo();
    expect(info.version).toMatch(/^4\.\d+$/);
    expect(info.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(info.weaknesses).toBeGreaterThan(900);
    expect(allCwes()).toHaveLength(info.weaknesses);
    const list = allCwes().map((e) => e.id);
    expect(list).toEqual([...list].sort((a, b) => a - b));
  });

  it('finds a weakness by id in any usual spelling, with its name, abstraction, status and usage', () => {
    const xss = cweById(79);
    expect(xss).toMatchObject({
      id: 79,
      name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
      abstraction: 'Base',
      status: 'Stable',
      usage: 'Allowed',
    });
    expect(xss!.alternateTerms).toContain('XSS');
    expect(cweById('79')).toBe(xss);
    expect(cweById('CWE-79')).toBe(xss);
    expect(cweById('cwe 79')).toBe(xss);
    expect(cweById(787)?.name).toBe('Out-of-bounds Write');
    expect(cweById(20)).toMatchObject({ name: 'Improper Input Validation', abstraction: 'Class', usage: 'Discouraged' });
  });

  it('knows nothing of categories, views, unknown ids or junk', () => {
    expect(cweById(1)).toBeUndefined(); // a (deprecated) category
    expect(cweById(1000)).toBeUndefined(); // a view
    expect(cweById(9_999_999)).toBeUndefined();
    expect(cweById('XSS')).toBeUndefined();
    expect(cweById('')).toBeUndefined();
  });

  it('keeps deprecated weaknesses for lookups, marked as such', () => {
    expect(cweById(132)).toMatchObject({ status: 'Deprecated', usage: 'Prohibited' });
  });
});

describe('searchCwe ranking', () => {
  it('puts the exact id first, then ids that start with the same digits', () => {
    const found = ids('79', 5);
    expect(found[0]).toBe(79);
    expect(found.slice(1).every((id) => String(id).startsWith('79'))).toBe(true);
    expect(ids('CWE-79', 1)).toEqual([79]);
    expect(ids('cwe:787', 1)).toEqual([787]);
  });

  it('orders id-prefix matches shorter ids first', () => {
    const found = ids('7', 30);
    expect(found[0]).toBe(7);
    expect(found.every((id) => String(id).startsWith('7'))).toBe(true);
    const lengths = found.map((id) => String(id).length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  });

  it('ranks an exact alternate term before a name that merely starts with the query', () => {
    expect(ids('sql injection', 2)).toEqual([89, 564]); // CWE-89 is also known as "SQL injection"; CWE-564 is "SQL Injection: Hibernate"
    expect(ids('XSS')[0]).toBe(79);
    expect(ids('sqli')[0]).toBe(89);
  });

  it('ranks name prefixes before word matches', () => {
    const found = searchCwe('path traversal', 10);
    expect(found[0]!.id).toBe(22); // alternate term "Path traversal"
    expect(found.slice(1, 4).every((e) => e.name.toLowerCase().startsWith('path traversal'))).toBe(true);
    expect(ids('out-of-bounds w')).toEqual([787]);
    expect(ids('Use After Free', 1)).toEqual([416]);
  });

  it('matches words anywhere in the name, as prefixes, in any order', () => {
    expect(ids('cross site scripting')[0]).toBe(79);
    expect(ids('scripting cross')[0]).toBe(79);
    expect(ids('deserial')).toContain(502);
    expect(ids('hard-coded cred')[0]).toBe(798);
    expect(ids('request forgery')).toEqual(expect.arrayContaining([352, 918]));
  });

  it('prefers entries MITRE allows mapping to, and stable ones, among equals', () => {
    const found = searchCwe('improper neutralization', 4);
    expect(found[0]).toMatchObject({ id: 707, name: 'Improper Neutralization' }); // the exact name comes first
    expect(found.slice(1).map((e) => e.status)).toEqual(['Stable', 'Stable', 'Stable']);
    expect(found.slice(1).every((e) => e.usage === 'Allowed')).toBe(true);
  });

  it('leaves deprecated entries out of word searches unless asked', () => {
    expect(ids('deprecated')).toEqual([]);
    const withDeprecated = searchCwe('deprecated', 5, { includeDeprecated: true });
    expect(withDeprecated.length).toBe(5);
    expect(withDeprecated.every((e) => e.status === 'Deprecated')).toBe(true);
    expect(ids('132', 1)).toEqual([132]); // an exact id still finds its deprecated entry
  });

  it('respects the limit, clamped to 1–100, and returns nothing for empty queries', () => {
    expect(searchCwe('improper', 7)).toHaveLength(7);
    expect(searchCwe('improper', 0)).toHaveLength(1);
    expect(searchCwe('improper', 10_000)).toHaveLength(100);
    expect(searchCwe('improper')).toHaveLength(20);
    expect(searchCwe('   ')).toEqual([]);
    expect(searchCwe('--')).toEqual([]);
    expect(searchCwe('zzzzqqq')).toEqual([]);
  });
});
