import dns from 'node:dns';

/**
 * Whether mail to a domain can be delivered at all: it has MX records (and not the RFC 7505 "null
 * MX"), or, without MX, an address record (RFC 5321 section 5.1's implicit MX). A mailbox that
 * bounces is only known once mail to it came back: cases mark such contacts `bounced`.
 */
export type MailDomainVerdict = { status: 'live' | 'not_live' | 'unchecked'; detail: string };

/** The DNS questions asked; tests inject their own answers (there is no Internet in CI). */
export interface MailResolver {
  resolveMx(domain: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(domain: string): Promise<string[]>;
  resolve6(domain: string): Promise<string[]>;
}

export function systemMailResolver(timeoutMs = 3000): MailResolver {
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
  return { resolveMx: (d) => resolver.resolveMx(d), resolve4: (d) => resolver.resolve4(d), resolve6: (d) => resolver.resolve6(d) };
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? '';
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export async function checkMailDomain(resolver: MailResolver, domain: string): Promise<MailDomainVerdict> {
  try {
    const records = await resolver.resolveMx(domain);
    const usable = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
    if (records.length > 0 && usable.length === 0) return { status: 'not_live', detail: `${domain} publishes a null MX record: it accepts no mail` };
    if (usable.length > 0) {
      const hosts = usable.sort((a, b) => a.priority - b.priority).map((r) => r.exchange);
      return { status: 'live', detail: `MX ${hosts.slice(0, 3).join(', ')}` };
    }
  } catch (error) {
    if (code(error) === 'ENOTFOUND' || code(error) === 'NXDOMAIN') return { status: 'not_live', detail: `${domain} does not exist in DNS` };
    if (!ABSENT.has(code(error))) return { status: 'unchecked', detail: `MX lookup for ${domain} failed: ${code(error) || (error as Error).message}` };
  }
  for (const lookup of [resolver.resolve4, resolver.resolve6]) {
    try {
      const addresses = await lookup.call(resolver, domain);
      if (addresses.length > 0) return { status: 'live', detail: `no MX; address record ${addresses[0]} (implicit MX)` };
    } catch (error) {
      if (!ABSENT.has(code(error))) return { status: 'unchecked', detail: `address lookup for ${domain} failed: ${code(error) || (error as Error).message}` };
    }
  }
  return { status: 'not_live', detail: `${domain} has no MX and no address record: mail cannot be delivered` };
}
