import apiFetch from '@wordpress/api-fetch';
import { render } from '@wordpress/element';
import '../../components/components.css';
import { SettingsScreen } from './settings-screen';
import './screen.css';

const root = document.getElementById('igny8-root');
const settings = window.igny8Settings;

if (root && root.dataset.screen === 'settings' && settings) {
  apiFetch.use(apiFetch.createNonceMiddleware(settings.nonce));
  // WordPress 6.1 ships React 17: `render`, not `createRoot`.
  render(<SettingsScreen />, root);
}
