import { httpFunction, json } from '../http/http-function.js';
import { adminRoute } from './admin-route.js';

/**
 * `GET /api/admin/whoami`: who the credentials act as, and with which role. The console asks it
 * after sign-in rather than reading the token itself: an identity provider's claims are named by
 * settings (STAFF_TOKEN_ROLE_CLAIM, STAFF_TOKEN_NAME_CLAIM) the page does not know.
 */
export const adminWhoAmI = httpFunction({
  name: 'adminWhoAmI',
  route: 'admin/whoami',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: { summary: 'Who the admin credentials act as: `{by, role}`', tags: ['admin'], auth: 'admin', responses: { 200: { description: '`{by, role}`: `by` as the audit trail records it' }, 401: { description: 'Signature or staff token invalid' }, 403: { description: 'Not an admin key' } } },
  build: adminRoute({ handle: ({ by, role }) => Promise.resolve(json(200, { by, role })) }),
});
