import type { TRole } from '@igny8/shared';
import { __ } from '@wordpress/i18n';

/** The roles in the product's words, highest first, and what each may do. */
export const ROLES: Array<{ value: TRole; label: string; description: string }> = [
  { value: 'owner', label: __('Owner', 'igny8'), description: __('Everything, including owners and billing', 'igny8') },
  { value: 'admin', label: __('Admin', 'igny8'), description: __('Members, keys and connections', 'igny8') },
  { value: 'editor', label: __('Editor', 'igny8'), description: __('Keywords, content and publishing', 'igny8') },
  { value: 'viewer', label: __('Viewer', 'igny8'), description: __('Sees everything, changes nothing', 'igny8') },
];

export const roleLabel = (role: TRole): string => ROLES.find((r) => r.value === role)?.label ?? role;
