/** Hand-written WebSocket upgrade requests, for handshakes no real client would send. */
import { connect } from 'node:net';

const GOOD_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** Handshakes `ws` refuses (400) after the app has accepted the upgrade. */
export const REFUSED_HANDSHAKES: Record<string, Record<string, string>> = {
  'no Sec-WebSocket-Key': { 'Sec-WebSocket-Version': '13' },
  'a malformed Sec-WebSocket-Key': { 'Sec-WebSocket-Key': 'short', 'Sec-WebSocket-Version': '13' },
  'Sec-WebSocket-Version 99': { 'Sec-WebSocket-Key': GOOD_KEY, 'Sec-WebSocket-Version': '99' },
  'a malformed Sec-WebSocket-Protocol': { 'Sec-WebSocket-Key': GOOD_KEY, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'a b,' },
};

/**
 * Sends one upgrade request with `paddingBytes` of extra header; resolves with the status line
 * once the server has closed the connection.
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>, paddingBytes = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
    const lines = [
      `GET ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Authorization: self-hosted',
      `X-Padding: ${'x'.repeat(paddingBytes)}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
