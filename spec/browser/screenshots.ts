import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');
/** Differences up to this share of pixels are anti-aliasing noise between runs, not a change of the page. */
const NOISE = 0.001;

/**
 * Saves a screenshot of `page` as docs/screenshots/<name>.png, unless the file there already shows
 * the same (up to anti-aliasing noise), so running the specs leaves the checkout clean while a
 * changed page gets a new picture. Returns whether it wrote the file.
 */
export async function saveScreenshot(page: Page, name: string): Promise<boolean> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  const taken = await page.screenshot();
  if (existsSync(file) && (await differingShare(page, readFileSync(file), taken)) <= NOISE) return false;
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(file, taken);
  return true;
}

/** The share of pixels that differ between two PNGs (1 if their sizes differ), compared in the page's own canvas. */
function differingShare(page: Page, before: Buffer, after: Buffer): Promise<number> {
  // A string, evaluated in the page (this project's types have no DOM), with the images inlined.
  return page.evaluate<number>(
    `(async (before, after) => {
      const pixels = async (base64) => {
        const image = new Image();
        image.src = 'data:image/png;base64,' + base64;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height);
      };
      const [a, b] = [await pixels(before), await pixels(after)];
      if (a.width !== b.width || a.height !== b.height) return 1;
      let differing = 0;
      for (let i = 0; i < a.data.length; i += 4) {
        if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) differing++;
      }
      return differing / (a.width * a.height);
    })(${JSON.stringify(before.toString('base64'))}, ${JSON.stringify(after.toString('base64'))})`,
  );
}
