import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Which addresses outbound calls to user-supplied URLs may connect to (see outbound.ts). */

// Cloud instance metadata endpoints hand out credentials, so they are refused even when private networks are
// allowed for development: all of IPv4/IPv6 link-local (AWS, GCP, Azure, OpenStack, DigitalOcean, ECS), AWS's IPv6
// IMDS and Alibaba's. metadata.google.internal resolves to 169.254.169.254; it is also refused by name.
const METADATA_RANGES = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', '100.100.100.200/32'].map((cidr) =>
  ipaddr.parseCIDR(cidr),
);
const RANGE_WORDS: Record<string, string> = {
  loopback: 'this machine (a loopback address)',
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
};
export const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog']);

/** Why an address is refused, or null when it may be connected to. */
export function forbiddenReason(address: string, allowPrivateNetworks: boolean): string | null {
  if (!isIP(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  // Addresses that embed an IPv4 address (IPv4-mapped, SIIT, NAT64 well-known prefix) are judged by that address.
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'ipv4Mapped' || range === 'rfc6145' || v6.match(ipaddr.parseCIDR('64:ff9b::/96'))) {
      ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
    }
  }
  if (METADATA_RANGES.some(([net, bits]) => ip.kind() === net.kind() && ip.match(net, bits))) {
    return 'a link-local or cloud metadata address';
  }
  if (allowPrivateNetworks) return null;
  const range = ip.range();
  if (range !== 'unicast') return RANGE_WORDS[range] ?? 'a reserved address';
  // ipaddr.js calls everything it has no name for "unicast" in IPv6, including the deprecated IPv4-compatible ::/96
  // and unallocated space; only global unicast 2000::/3 is public.
  if (ip.kind() === 'ipv6' && !ip.match(ipaddr.parseCIDR('2000::/3'))) return 'a reserved address';
  return null;
}
