import { crc32, inflateSync } from 'node:zlib';

/**
 * Checks that bytes are a whole, valid PNG: signature, every chunk's CRC, IHDR first and IEND last, and IDAT data
 * that inflates to exactly the rows the header promises (8-bit RGB or RGBA). Returns the size, or throws why not.
 */
export function validPng(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new Error('not a PNG signature');
  }
  let offset = 8;
  const types: string[] = [];
  const idat: Buffer[] = [];
  let header: { width: number; height: number; depth: number; colour: number } | undefined;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    types.push(type);
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        depth: data[8]!,
        colour: data[9]!,
      };
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (types[0] !== 'IHDR' || types.at(-1) !== 'IEND' || !header) throw new Error(`bad chunk order ${types}`);
  const channels = header.colour === 6 ? 4 : header.colour === 2 ? 3 : 0;
  if (header.depth !== 8 || !channels) throw new Error(`unexpected PNG format ${JSON.stringify(header)}`);
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== header.height * (1 + header.width * channels)) throw new Error('IDAT size does not match');
  return { width: header.width, height: header.height };
}
