import apiFetch from '@wordpress/api-fetch';
import { render } from '@wordpress/element';
import { ConnectionScreen } from './connection-screen';
import './screen.css';

const root = document.getElementById('igny8-root');
const settings = window.igny8Settings;

if (root && root.dataset.screen === 'connection' && settings) {
  // Core already adds a nonce middleware for wp-api-fetch; this one uses the nonce made for this screen
  // and steps aside when a request already carries one.
  apiFetch.use(apiFetch.createNonceMiddleware(settings.nonce));
  // WordPress 6.1 ships React 17: `render`, not `createRoot`.
  render(<ConnectionScreen />, root);
}
