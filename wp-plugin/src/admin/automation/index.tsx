import apiFetch from '@wordpress/api-fetch';
import { render } from '@wordpress/element';
import '../../components/components.css';
import { AutomationScreen } from './automation-screen';
import './screen.css';

const root = document.getElementById('igny8-root');
const settings = window.igny8Settings;

if (root && root.dataset.screen === 'automation' && settings) {
  apiFetch.use(apiFetch.createNonceMiddleware(settings.nonce));
  // WordPress 6.1 ships React 17: `render`, not `createRoot`.
  render(<AutomationScreen />, root);
}
