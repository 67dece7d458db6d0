// WireGuard keys made in the browser with WebCrypto's X25519: the private
// key stays in this page (shown in the config the user downloads) and
// only the public key is sent to the API.
import type { ClusterFieldsFragment } from './api/generated';

function b64(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s);
}

export async function makeKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  if (!crypto?.subtle) throw new Error('This browser has no WebCrypto here (it needs a secure context: https or localhost). Use `weft device config NAME` instead.');
  let pair: CryptoKeyPair;
  try {
    pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  } catch {
    throw new Error('This browser cannot make X25519 keys with WebCrypto. Use a current browser, or `weft device config NAME` from the CLI.');
  }
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  // PKCS #8 of an X25519 key: a fixed 16-byte header, then the 32-byte key.
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const priv = pkcs8.slice(pkcs8.length - 32);
  // WireGuard's clamping, as wg genkey does; X25519 clamps on use, so the
  // public key is the same.
  priv[0] &= 248;
  priv[31] = (priv[31] & 127) | 64;
  return { privateKey: b64(priv), publicKey: b64(pub) };
}

// wgConfig is the same wg-quick configuration `weft device config` writes.
export function wgConfig(team: string, name: string, privateKey: string, ip: string, clusters: ClusterFieldsFragment[]): string {
  let s = `# weft device ${name} of team ${team}\n[Interface]\nPrivateKey = ${privateKey}\nAddress = ${ip}/32\n`;
  for (const c of clusters) {
    if (!c.publicKey || !c.endpoint) {
      s += `\n# cluster ${c.name}: its agent has not reported its gateway yet\n`;
      continue;
    }
    s += `\n[Peer]\n# cluster ${c.name}\nPublicKey = ${c.publicKey}\nEndpoint = ${c.endpoint}\nAllowedIPs = ${c.gatewayIp}/32, ${c.serviceRange}\nPersistentKeepalive = 25\n`;
  }
  return s;
}
