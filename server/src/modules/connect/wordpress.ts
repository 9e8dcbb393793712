import { AppError, errors } from '../../errors.ts';
import { connectData } from './data.ts';
import type { ConnectServiceDeps } from './service.ts';
import { endpointOf, requireConnected } from './views.ts';

/** WordPress's own REST API on a connected site, as its publishing user: for the planner and the Publisher. */
export function createWordPressCalls(deps: ConnectServiceDeps) {
  const { siteClient } = deps;
  const data = connectData(deps.prisma);

  return {
    /** A draft post created through WordPress's REST API as the publishing user (the Publisher builds on this). */
    async createDraftPost(accountId: string, siteId: string, post: { title: string; content: string }) {
      const connection = await data.findConnection(accountId, siteId);
      if (!connection) throw errors.notFound('Site', siteId);
      const res = await siteClient.asPublisher<{ id?: number; link?: string; status?: string; message?: string }>(
        endpointOf(requireConnected(connection)),
        'POST',
        'wp/v2/posts',
        { title: post.title, content: post.content, status: 'draft' },
      );
      if (res.status !== 201 || typeof res.data?.id !== 'number') {
        throw new AppError(
          'SITE_UNREACHABLE',
          `WordPress refused the draft (HTTP ${res.status})${res.data?.message ? `: ${res.data.message}` : ''}.`,
        );
      }
      return { postId: res.data.id, link: res.data.link ?? null, status: res.data.status ?? 'draft' };
    },

    /**
     * One page (100 per page) of the site's published posts or pages through WordPress's REST API as the publishing
     * user; `totalPages` is WordPress's X-WP-TotalPages. The planner syncs titles and slugs with it.
     */
    async listPostsPage(accountId: string, siteId: string, type: 'posts' | 'pages', page: number) {
      const connection = await data.findConnection(accountId, siteId);
      if (!connection) throw errors.notFound('Site', siteId);
      // With plain permalinks the REST base is "/?rest_route=/": the query then continues with "&".
      const q = connection.restUrl.includes('?') ? '&' : '?';
      const res = await siteClient.asPublisher<unknown>(
        endpointOf(requireConnected(connection)),
        'GET',
        // Published content only, as a visitor sees it: that is what competes in search. (The publishing user is an
        // Author: measured on WordPress 6.1, status=any in the edit context returns only its own posts, and pages
        // refuse it outright.)
        `wp/v2/${type}${q}status=publish&per_page=100&page=${page}&orderby=id&order=asc&_fields=id,title,slug,link,status`,
      );
      if (res.status !== 200 || !Array.isArray(res.data)) {
        const message = (res.data as { message?: unknown } | null)?.message;
        throw new AppError(
          'SITE_UNREACHABLE',
          `WordPress refused to list the site's ${type} (HTTP ${res.status})${typeof message === 'string' ? `: ${message}` : ''}.`,
        );
      }
      const totalPages = Number(res.headers['x-wp-totalpages'] ?? '1');
      return {
        items: res.data as unknown[],
        totalPages: Number.isFinite(totalPages) && totalPages > 0 ? totalPages : 1,
      };
    },

    /**
     * The Publisher's handle on one connected site of an account (loaded once per job): signed calls to the
     * plugin's routes, WordPress REST calls and media uploads as the publishing user. `route` builds a route with a
     * query for either REST base ("/wp-json/" or "/?rest_route=/").
     */
    async publishingSession(accountId: string, siteId: string) {
      const connection = await data.findConnection(accountId, siteId);
      if (!connection) throw errors.notFound('Site', siteId);
      const endpoint = endpointOf(requireConnected(connection));
      return {
        siteId,
        siteUrl: endpoint.siteUrl,
        route(path: string, query: Record<string, string | number> = {}) {
          const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
          if (!params) return path;
          return `${path}${endpoint.restUrl.includes('?') ? '&' : '?'}${params}`;
        },
        signed: <T>(method: string, route: string, payload?: unknown) =>
          siteClient.signed<T>(endpoint, method, route, payload),
        asPublisher: <T>(method: string, route: string, payload?: unknown) =>
          siteClient.asPublisher<T>(endpoint, method, route, payload),
        upload: <T>(file: { bytes: Buffer; filename: string; mimeType: string }) =>
          siteClient.uploadAsPublisher<T>(endpoint, 'wp/v2/media', file),
      };
    },
  };
}
