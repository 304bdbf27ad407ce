/**
 * Coordinators cvdesk knows from the start: where to escalate when a vendor cannot be reached or
 * will not act. Seeded by the vendors migration as vendors of kind `coordinator`, unverified, and
 * editable like any other vendor (check them against each coordinator's own page before relying on them).
 * `country` (ISO 3166-1 alpha-2) lets discovery offer the national CERT of a vendor's domain.
 * A change here seeds only new installations; existing ones keep (and edit) what they have.
 */
export interface KnownCoordinator {
  name: string;
  country: string | null;
  domains: string[];
  contacts: { kind: 'email' | 'web_form'; value: string; note?: string }[];
  notes: string;
}

export const COORDINATORS: readonly KnownCoordinator[] = [
  {
    name: 'CERT/CC',
    country: null,
    domains: ['cert.org', 'kb.cert.org'],
    contacts: [
      { kind: 'web_form', value: 'https://kb.cert.org/vince/', note: 'VINCE, for multi-party cases' },
      { kind: 'email', value: 'cert@cert.org' },
    ],
    notes: 'CERT Coordination Center (Carnegie Mellon University SEI): coordinates multi-party cases worldwide through VINCE.',
  },
  {
    name: 'CISA',
    country: 'US',
    domains: ['cisa.gov'],
    contacts: [{ kind: 'web_form', value: 'https://www.cisa.gov/report' }],
    notes: 'US Cybersecurity and Infrastructure Security Agency: coordinated vulnerability disclosure for US vendors and ICS.',
  },
  {
    name: 'NCSC-NL',
    country: 'NL',
    domains: ['ncsc.nl'],
    contacts: [
      { kind: 'email', value: 'cert@ncsc.nl' },
      { kind: 'web_form', value: 'https://www.ncsc.nl/contact/kwetsbaarheid-melden' },
    ],
    notes: 'National Cyber Security Centre of the Netherlands.',
  },
  {
    name: 'BSI / CERT-Bund',
    country: 'DE',
    domains: ['bsi.bund.de'],
    contacts: [{ kind: 'email', value: 'vulnerability@bsi.bund.de' }],
    notes: 'Bundesamt für Sicherheit in der Informationstechnik (Germany), coordinated vulnerability disclosure.',
  },
  {
    name: 'JPCERT/CC',
    country: 'JP',
    domains: ['jpcert.or.jp'],
    contacts: [{ kind: 'email', value: 'vuls@jpcert.or.jp' }],
    notes: 'Japan Computer Emergency Response Team Coordination Center (vulnerability coordination).',
  },
  {
    name: 'CERT-FR',
    country: 'FR',
    domains: ['cert.ssi.gouv.fr'],
    contacts: [{ kind: 'email', value: 'cert-fr.cossi@ssi.gouv.fr' }],
    notes: 'The French government CERT (ANSSI).',
  },
];

/** Country-code top-level domains whose national CERT differs from the ISO code (none yet; `uk` → GB for later ones). */
const TLD_COUNTRY: Record<string, string> = { uk: 'GB' };

/** The ISO country a domain's top-level label suggests, e.g. `example.nl` → NL; null for generic TLDs. */
export function countryOfDomain(domain: string): string | null {
  const tld = domain.toLowerCase().replace(/\.$/, '').split('.').pop() ?? '';
  if (Object.hasOwn(TLD_COUNTRY, tld)) return TLD_COUNTRY[tld]!;
  if (tld === 'gov' || tld === 'mil') return 'US';
  return /^[a-z]{2}$/.test(tld) ? tld.toUpperCase() : null;
}
