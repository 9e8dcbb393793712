/**
 * The block editor's IGNY8 sidebar (enqueued by includes/Admin/EditorSidebar.php on the post editor only).
 * The editor's api-fetch already sends the REST nonce (and refreshes it), so none is added here.
 */
import { registerPlugin } from '@wordpress/plugins';
import '../components/components.css';
import './editor.css';
import { Igny8Sidebar } from './sidebar';

registerPlugin('igny8', { render: Igny8Sidebar, icon: 'edit-page' });
