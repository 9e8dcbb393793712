/** The query key of a site's data; each section of the site page keys its own queries under it. */
export const siteKey = (siteId: string) => ['site', siteId];
