import { deflateSync } from 'node:zlib';
import { sha256 } from './words.ts';

/** Tiny PNG encoder (RGB, 8 bits, no interlace) for prompt-derived placeholder images. */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A width x height PNG of coloured tiles: palette and layout derive from `seed` (prompt + image index), so the same
 * prompt gives the same picture and different prompts visibly differ. Tiles keep rows repetitive, so even 1536 px
 * images deflate to a few kilobytes.
 */
export function renderPng(width: number, height: number, seed: string): Buffer {
  const h = sha256(`png:${seed}`);
  const palette = [0, 1, 2, 3].map((i) => [h[i * 3]!, h[i * 3 + 1]!, h[i * 3 + 2]!] as const);
  const tile = Math.max(8, Math.floor(Math.min(width, height) / 8));
  const tilesX = Math.ceil(width / tile);
  const rowBytes = 1 + width * 3;
  const raw = Buffer.alloc(rowBytes * height);
  let row: Buffer | undefined;
  for (let y = 0; y < height; y++) {
    if (y % tile === 0) {
      row = Buffer.alloc(rowBytes); // filter type 0 (None)
      const ty = y / tile;
      for (let x = 0; x < width; x++) {
        const tx = Math.floor(x / tile);
        const colour = palette[h[12 + ((ty * tilesX + tx) % 20)]! % 4]!;
        row[1 + x * 3] = colour[0];
        row[2 + x * 3] = colour[1];
        row[3 + x * 3] = colour[2];
      }
    }
    row!.copy(raw, y * rowBytes);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
