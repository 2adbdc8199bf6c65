/** Start the app: language, the stored session, the outbox triggers, the service worker. */
import { render } from 'preact';
import { App } from './app';
import { lang, rememberLang } from './i18n';
import { restore } from './session';
import { registerWorker } from './sw-bridge';
import { startSync } from './sync';
import './fonts.css';
import './styles.css';

document.documentElement.lang = lang.get();
void rememberLang();
render(<App />, document.getElementById('app')!);
void restore().then(() => {
  startSync();
  performance.mark('khaya-ready');
});
void registerWorker();
