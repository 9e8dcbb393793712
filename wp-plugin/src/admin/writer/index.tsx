import apiFetch from '@wordpress/api-fetch';
import { render } from '@wordpress/element';
import '../../components/components.css';
import { WriterScreen } from './writer-screen';
import './screen.css';

const root = document.getElementById('igny8-root');
const settings = window.igny8Settings;

if (root && root.dataset.screen === 'writer' && settings) {
  apiFetch.use(apiFetch.createNonceMiddleware(settings.nonce));
  // WordPress 6.1 ships React 17: `render`, not `createRoot`.
  render(<WriterScreen />, root);
}
