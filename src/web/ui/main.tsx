// Entry of the page's bundle: an exported run carries its data in the page
// (#gogo-data); otherwise the page talks to the server over a WebSocket.
import { render } from 'preact';
import type { ExportData } from '../protocol.ts';
import { App } from './app.tsx';
import { staticTransport, wsTransport } from './transport.ts';
import './style.css';

const dataEl = document.getElementById('gogo-data');
const data = dataEl ? (JSON.parse(dataEl.textContent ?? '{}') as ExportData) : undefined;
render(<App connect={(onReply, onClose) => (data ? staticTransport(data, onReply) : wsTransport(onReply, onClose))} />, document.getElementById('app')!);
