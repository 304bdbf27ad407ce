import net from 'node:net';

/**
 * Which IP addresses an outbound fetch may reach. IPv4: everything except the special-purpose
 * ranges of the IANA registry (RFC 6890 and later). IPv6: only global unicast (2000::/3) outside
 * its special-purpose blocks; IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses
 * are judged by the IPv4 address they carry.
 */
const RANGES: [label: string, family: 'ipv4' | 'ipv6', network: string, prefix: number][] = [
  ['unspecified ("this network")', 'ipv4', '0.0.0.0', 8],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['private (RFC 1918)', 'ipv4', '10.0.0.0', 8],
  ['private (RFC 1918)', 'ipv4', '172.16.0.0', 12],
  ['private (RFC 1918)', 'ipv4', '192.168.0.0', 16],
  ['shared carrier-grade NAT', 'ipv4', '100.64.0.0', 10],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['reserved (IETF protocol assignments)', 'ipv4', '192.0.0.0', 24],
  ['documentation', 'ipv4', '192.0.2.0', 24],
  ['documentation', 'ipv4', '198.51.100.0', 24],
  ['documentation', 'ipv4', '203.0.113.0', 24],
  ['reserved (6to4 relay anycast)', 'ipv4', '192.88.99.0', 24],
  ['benchmarking', 'ipv4', '198.18.0.0', 15],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved (240.0.0.0/4, broadcast)', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['site-local (deprecated)', 'ipv6', 'fec0::', 10],
  ['unique local (private)', 'ipv6', 'fc00::', 7],
  ['multicast', 'ipv6', 'ff00::', 8],
  ['documentation', 'ipv6', '2001:db8::', 32],
  ['documentation', 'ipv6', '3fff::', 20],
  ['reserved (IETF protocol assignments, Teredo)', 'ipv6', '2001::', 23],
  ['6to4 (deprecated)', 'ipv6', '2002::', 16],
  // Everything outside global unicast 2000::/3.
  ['reserved (not global unicast)', 'ipv6', '::', 3],
  ['reserved (not global unicast)', 'ipv6', '4000::', 2],
  ['reserved (not global unicast)', 'ipv6', '8000::', 1],
];

// One list per family: a BlockList matches IPv4 addresses against IPv6 subnets through their
// mapped form, which would put every IPv4 address inside ::/3.
const BLOCK_LISTS = (() => {
  const lists = { ipv4: new Map<string, net.BlockList>(), ipv6: new Map<string, net.BlockList>() };
  for (const [label, family, network, prefix] of RANGES) {
    let list = lists[family].get(label);
    if (!list) lists[family].set(label, (list = new net.BlockList()));
    list.addSubnet(network, prefix, family);
  }
  return { ipv4: [...lists.ipv4], ipv6: [...lists.ipv6] };
})();

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails and zone ids allowed), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  if (!net.isIPv6(text)) return null;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 ? groups : null;
}

/** The IPv4 address an IPv4-mapped or NAT64 (64:ff9b::/96) IPv6 address carries, or null. */
export function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  if (!groups) return null;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return null;
  const [hi, lo] = [groups[6]!, groups[7]!];
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/**
 * Why `address` must not be reached (e.g. "loopback", "private (RFC 1918)"), or null when it is a
 * public unicast address. Anything that is not an IP address is refused as "not an IP address".
 */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = net.isIP(bare.replace(/%.*$/, ''));
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== null) {
      const reason = blockedAddressReason(v4);
      return reason === null ? null : `${reason}, as IPv4 inside IPv6`;
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const plain = bare.replace(/%.*$/, '');
  for (const [label, list] of BLOCK_LISTS[type]) if (list.check(plain, type)) return label;
  return null;
}

export function isPublicAddress(address: string): boolean {
  return blockedAddressReason(address) === null;
}
