import { AppError } from '../../errors.ts';
import { checkOutboundUrl, OutboundUrlError, type OutboundOptions } from '../../lib/outbound.ts';

/**
 * One rule for site addresses, with one message: a URL the server will never be allowed to call (loopback,
 * link-local, cloud metadata, private networks unless ALLOW_PRIVATE_SITE_URLS) is refused as SITE_URL_FORBIDDEN
 * naming the reason. The connection handshake calls the site at once, so there a name that does not resolve is
 * refused too (`allowUnresolved: false`); saving a site record calls nothing, so a name that does not resolve yet is
 * kept (every later call resolves and vets it again).
 */
export async function checkSiteUrl(
  url: string,
  outbound: OutboundOptions,
  options: { field: string; allowUnresolved: boolean },
): Promise<void> {
  try {
    await checkOutboundUrl(url, outbound, { allowUnresolved: options.allowUnresolved });
  } catch (error) {
    if (error instanceof OutboundUrlError) {
      throw new AppError('SITE_URL_FORBIDDEN', `The site address cannot be used: ${error.message}`, {
        field: options.field,
      });
    }
    throw error;
  }
}
