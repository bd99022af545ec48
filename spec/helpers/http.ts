import { get } from 'node:http';

export interface HttpResult {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** A plain GET on a fresh connection (no keep-alive socket left open to hold the test run). */
export function httpGet(url: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }));
    }).on('error', reject);
  });
}
